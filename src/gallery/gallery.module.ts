import { Module } from '@nestjs/common';
import { ContentUrls } from './content-urls.js';
import { GalleryFastPaths } from './fast-paths.js';
import { GalleryController } from './gallery.controller.js';
import { GalleryService } from './gallery.service.js';
import { PageCache } from './page-cache.js';
import { SearchKeys } from './search-keys.js';

@Module({
  controllers: [GalleryController],
  providers: [GalleryService, ContentUrls, PageCache, SearchKeys, GalleryFastPaths],
})
export class GalleryModule {}
