import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { GenerationsModule } from '../generations/generations.module.js';
import { ScheduleRunner } from './schedule.runner.js';
import { SchedulesController } from './schedules.controller.js';
import { SchedulesService } from './schedules.service.js';

@Module({
  imports: [ScheduleModule.forRoot(), GenerationsModule],
  controllers: [SchedulesController],
  providers: [SchedulesService, ScheduleRunner],
})
export class SchedulingModule {}
