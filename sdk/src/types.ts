import type { components } from './generated/schema.js';

/**
 * Short, stable names for the spec's schemas. The DTO class names behind them may change; these
 * aliases stay, so code written against the SDK keeps compiling.
 */
export type Schemas = components['schemas'];

export type Problem = Schemas['ProblemDto'];
export type ProblemField = Schemas['ProblemFieldDto'];

export type Credentials = Schemas['CredentialsDto'];
export type User = Schemas['UserDto'];
export type Session = Schemas['SessionDto'];

export type CreatePrompt = Schemas['CreatePromptDto'];
export type Prompt = Schemas['PromptDto'];
export type PromptDataset = Schemas['PromptDatasetDto'];
export type PromptDatasets = Schemas['PromptDatasetsDto'];

export type Provider = Schemas['ProviderDto'];
export type ProviderModel = Schemas['ProviderModelDto'];
export type ProviderLimits = Schemas['ProviderLimitsDto'];
export type ProviderList = Schemas['ProviderListDto'];

export type CreateGeneration = Schemas['CreateGenerationDto'];
export type GenerationRequest = Schemas['GenerationRequestDto'];
export type PromptLineage = Schemas['PromptLineageDto'];
export type JobError = Schemas['JobErrorDto'];
export type Generation = Schemas['GenerationDto'];
export type GenerationList = Schemas['GenerationListDto'];
export type GenerationStatus = Generation['status'];

export type Image = Schemas['ImageDto'];
export type ImageList = Schemas['ImageListDto'];
export type UpdateImage = Schemas['UpdateImageDto'];
export type Visibility = Image['visibility'];

export type CreateSchedule = Schemas['CreateScheduleDto'];
export type UpdateSchedule = Schemas['UpdateScheduleDto'];
export type ScheduleTemplate = Schemas['ScheduleTemplateDto'];
export type Schedule = Schemas['ScheduleDto'];
export type ScheduleList = Schemas['ScheduleListDto'];
export type ScheduleRun = Schemas['ScheduleRunDto'];
export type ScheduleRunList = Schemas['ScheduleRunListDto'];

export type Health = Schemas['HealthDto'];
export type HealthIndicator = Schemas['HealthIndicatorDto'];
