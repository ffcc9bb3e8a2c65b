import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { UserDto } from '../auth/dto/user.dto.js';
import { SessionTokens } from '../auth/session-tokens.js';
import { readPage } from '../common/cursor.js';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors.js';
import { ImageDto, type ImageListDto } from '../gallery/dto/image.dto.js';
import { ContentUrls } from '../gallery/content-urls.js';
import { filterOf } from '../gallery/gallery.service.js';
import { GenerationDto, type GenerationListDto } from '../generations/dto/generation.dto.js';
import { ImagesRepository, type ImageFilter } from '../storage/records/images.repository.js';
import { JobsRepository, type JobFilter } from '../storage/records/jobs.repository.js';
import { UsersRepository } from '../storage/records/users.repository.js';
import type {
  AdminGenerationQueryDto,
  AdminImageQueryDto,
  AdminUserListDto,
  AdminUserQueryDto,
  UpdateUserDto,
} from './dto/admin.dto.js';

/**
 * What only admins do: list and change accounts, and see everyone's images and generations. (Each
 * image, generation and schedule is managed by id through its own routes, which let admins act on
 * anyone's.)
 */
@Injectable()
export class AdminService {
  constructor(
    private readonly users: UsersRepository,
    private readonly images: ImagesRepository,
    private readonly jobs: JobsRepository,
    private readonly tokens: SessionTokens,
    private readonly urls: ContentUrls,
  ) {}

  listUsers(query: AdminUserQueryDto): Promise<AdminUserListDto> {
    return readPage(
      query,
      (page) => this.users.list({ email: query.email }, page),
      (user) => UserDto.from(user),
    );
  }

  /**
   * Disables or enables an account, or changes its role. Disabling ends its sessions; while it is
   * disabled, its access tokens and API keys get 401 on their next request. An admin cannot
   * disable or demote their own account (someone must stay able to undo it).
   */
  async updateUser(admin: AuthUser, id: string, patch: UpdateUserDto): Promise<UserDto> {
    if (patch.disabled === undefined && patch.role === undefined) {
      throw ValidationError.field('body', 'give disabled or role');
    }
    if (id === admin.id && (patch.disabled === true || patch.role === 'user')) {
      throw new ConflictError('You cannot disable or demote your own account');
    }
    const updated = await this.users.update(id, { disabled: patch.disabled, role: patch.role });
    if (!updated) throw new NotFoundError('No such user');
    if (patch.disabled === true) await this.tokens.endAll(id);
    return UserDto.from(updated);
  }

  /** Everyone's images, private ones too, newest first, with the filters of `GET /me/images`. */
  listImages(query: AdminImageQueryDto): Promise<ImageListDto> {
    const now = Date.now();
    return readPage(
      query,
      (page) => this.images.list(imageFilterOf(query), page),
      (image) => ImageDto.from(image, this.urls.urlsFor(image, now)),
    );
  }

  /** Everyone's generations, newest first, with the filters of `GET /generations`. */
  listGenerations(query: AdminGenerationQueryDto): Promise<GenerationListDto> {
    const filter: JobFilter = query.ownerId
      ? { ownerId: query.ownerId, status: query.status }
      : { everyOwner: true, status: query.status };
    return readPage(
      query,
      (page) => this.jobs.list(filter, page),
      (job) => GenerationDto.from(job),
    );
  }
}

/** The gallery's filters, as `GET /me/images` reads them, for any owner. */
function imageFilterOf(query: AdminImageQueryDto): ImageFilter {
  return { ownerId: query.ownerId, visibility: query.visibility, ...filterOf(query) };
}
