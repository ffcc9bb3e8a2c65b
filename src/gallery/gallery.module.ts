import { Module } from '@nestjs/common';
import { GalleryController } from './gallery.controller.js';
import { ContentUrls } from './content-urls.js';
import { GalleryService } from './gallery.service.js';

@Module({ controllers: [GalleryController], providers: [GalleryService, ContentUrls] })
export class GalleryModule {}
