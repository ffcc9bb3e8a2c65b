import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { ContentUrls } from '../gallery/content-urls.js';
import { AdminController } from './admin.controller.js';
import { AdminService } from './admin.service.js';

@Module({
  imports: [AuthModule],
  controllers: [AdminController],
  providers: [AdminService, ContentUrls],
})
export class AdminModule {}
