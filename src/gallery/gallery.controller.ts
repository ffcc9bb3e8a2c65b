import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Query, Res } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { RequireScope } from '../auth/scopes.js';
import { OptionalAuth, Public } from '../auth/public.decorator.js';
import { ApiAuth, ApiBlobResponses, ApiPageResponses, ApiProblems } from '../common/api-docs.js';
import { sendFile } from '../common/file-response.js';
import { sendPage } from '../common/page-response.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import {
  ContentQueryDto,
  ImageDto,
  ImageListDto,
  ImageQueryDto,
  MyImageQueryDto,
  UpdateImageDto,
} from './dto/image.dto.js';
import { GalleryService } from './gallery.service.js';
import { PageCache } from './page-cache.js';

@ApiTags('gallery')
@Controller()
export class GalleryController {
  constructor(
    private readonly gallery: GalleryService,
    private readonly pages: PageCache,
  ) {}

  /**
   * Everyone's public images, newest first, with search and filters. No token needed. Pages are
   * served from memory for up to `GALLERY_CACHE_TTL_MS` (1 s): a change shows within that on every
   * replica. Shared caches may keep a page as long (`s-maxage`); send its `ETag` in
   * `If-None-Match` to get a 304 while it has not changed.
   */
  @Public()
  @Get('images')
  @ApiOperation({ summary: 'Browse the public gallery', operationId: 'listPublicImages' })
  @ApiPageResponses(ImageListDto)
  @ApiProblems(400)
  async listPublic(@Query() query: ImageQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const page = await this.gallery.publicPage(reply.request.url, query);
    sendPage(reply, page, this.pages.caching('public'));
  }

  /** My images, private ones too, newest first, with the same search, filters and ETags. */
  @Get('me/images')
  @ApiAuth()
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Browse my history', operationId: 'listMyImages' })
  @ApiPageResponses(ImageListDto)
  @ApiProblems(400)
  async listMine(
    @CurrentUser() user: AuthUser,
    @Query() query: MyImageQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const page = await this.gallery.myPage(user, reply.request.url, query);
    sendPage(reply, page, this.pages.caching('private'));
  }

  /** A public image, or one of mine (send a token to see your private images). */
  @OptionalAuth()
  @Get('images/:id')
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Get an image', operationId: 'getImage' })
  @ApiProblems(400, 404)
  get(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ImageDto> {
    return this.gallery.get(user, id);
  }

  /**
   * The PNG, with its generation parameters in text chunks (`parameters`, `image-forge`). Answers
   * 304 to a matching `If-None-Match` and 206 to a `Range`. A private image needs its owner's token,
   * or the signed `contentUrl` the API gave its owner (`expires` + `signature`; a bad or expired
   * signature is a 403).
   */
  @OptionalAuth()
  @Get('images/:id/content')
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Download an image', operationId: 'getImageContent' })
  @ApiBlobResponses('image/png', 'The image')
  async content(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ContentQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendFile(reply, await this.gallery.content(user, id, 'image', query));
  }

  /** A WebP fitted inside 256×256, with the same access rules and caching as the image. */
  @OptionalAuth()
  @Get('images/:id/thumbnail')
  @RequireScope('images:read')
  @ApiOperation({ summary: 'Download a thumbnail', operationId: 'getImageThumbnail' })
  @ApiBlobResponses('image/webp', 'The thumbnail')
  async thumbnail(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', ParseIdPipe) id: string,
    @Query() query: ContentQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await sendFile(reply, await this.gallery.content(user, id, 'thumbnail', query));
  }

  /** Changes visibility or replaces the tags of one of my images; fields left out keep their values. */
  @Patch('images/:id')
  @ApiAuth()
  @RequireScope('images:write')
  @ApiOperation({ summary: 'Update an image', operationId: 'updateImage' })
  @ApiBody({
    type: UpdateImageDto,
    examples: {
      makePrivate: { summary: 'Make it private', value: { visibility: 'private' } },
      retag: { summary: 'Replace its tags', value: { tags: ['koi', 'pond'] } },
    },
  })
  @ApiProblems(400, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateImageDto,
  ): Promise<ImageDto> {
    return this.gallery.update(user, id, body);
  }

  /** Deletes one of my images: the record, the image and the thumbnail (and its id from its job). */
  @Delete('images/:id')
  @HttpCode(204)
  @ApiAuth()
  @RequireScope('images:write')
  @ApiOperation({ summary: 'Delete an image', operationId: 'deleteImage' })
  @ApiNoContentResponse({ description: 'Deleted; no body' })
  @ApiProblems(400, 404)
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.gallery.delete(user, id);
  }
}
