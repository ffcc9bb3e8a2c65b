import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiFoundResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Public } from '../auth/public.decorator.js';
import { ApiAuth, ApiProblems } from '../common/api-docs.js';
import { ParseIdPipe } from '../common/parse-id.pipe.js';
import {
  ImageDto,
  ImageListDto,
  ImageQueryDto,
  MyImageQueryDto,
  UpdateImageDto,
} from './dto/image.dto.js';
import { GalleryService, type ContentResponse } from './gallery.service.js';

const BINARY = { schema: { type: 'string', format: 'binary' } };

@ApiTags('gallery')
@Controller()
export class GalleryController {
  constructor(private readonly gallery: GalleryService) {}

  /** Everyone's public images, newest first, with search and filters. No token needed. */
  @Public()
  @Get('images')
  @ApiOperation({ summary: 'Browse the public gallery', operationId: 'listPublicImages' })
  @ApiProblems(400)
  listPublic(@Query() query: ImageQueryDto): Promise<ImageListDto> {
    return this.gallery.listPublic(query);
  }

  /** My images, private ones too, newest first, with the same search and filters. */
  @Get('me/images')
  @ApiAuth()
  @ApiOperation({ summary: 'Browse my history', operationId: 'listMyImages' })
  @ApiProblems(400)
  listMine(@CurrentUser() user: AuthUser, @Query() query: MyImageQueryDto): Promise<ImageListDto> {
    return this.gallery.listMine(user, query);
  }

  /** A public image, or one of mine (send a token to see your private images). */
  @Public()
  @Get('images/:id')
  @ApiOperation({ summary: 'Get an image', operationId: 'getImage' })
  @ApiProblems(400, 401, 404)
  get(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', ParseIdPipe) id: string,
  ): Promise<ImageDto> {
    return this.gallery.get(user, id);
  }

  /** The PNG, with its generation parameters in text chunks. ETag, If-None-Match and Range work. */
  @Public()
  @Get('images/:id/content')
  @ApiOperation({ summary: 'Download an image', operationId: 'getImageContent' })
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'The image', content: { 'image/png': BINARY } })
  @ApiFoundResponse({
    description:
      'With BLOB_SIGNED_URLS: a short-lived signed URL of the blob store to fetch it from',
  })
  @ApiProblems(400, 401, 404, 416)
  async content(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', ParseIdPipe) id: string,
    @Headers('range') range: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.gallery.content(user, id, 'image', { range, ifNoneMatch }));
  }

  /** A WebP fitted inside 256×256. */
  @Public()
  @Get('images/:id/thumbnail')
  @ApiOperation({ summary: 'Download a thumbnail', operationId: 'getImageThumbnail' })
  @ApiProduces('image/webp')
  @ApiOkResponse({ description: 'The thumbnail', content: { 'image/webp': BINARY } })
  @ApiFoundResponse({
    description:
      'With BLOB_SIGNED_URLS: a short-lived signed URL of the blob store to fetch it from',
  })
  @ApiProblems(400, 401, 404, 416)
  async thumbnail(
    @CurrentUser() user: AuthUser | undefined,
    @Param('id', ParseIdPipe) id: string,
    @Headers('range') range: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.gallery.content(user, id, 'thumbnail', { range, ifNoneMatch }));
  }

  /** Changes visibility or replaces tags of one of my images. */
  @Patch('images/:id')
  @ApiAuth()
  @ApiOperation({ summary: 'Update an image', operationId: 'updateImage' })
  @ApiProblems(400, 404)
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseIdPipe) id: string,
    @Body() body: UpdateImageDto,
  ): Promise<ImageDto> {
    return this.gallery.update(user, id, body);
  }

  /** Deletes one of my images: the record, the image and the thumbnail. */
  @Delete('images/:id')
  @HttpCode(204)
  @ApiAuth()
  @ApiOperation({ summary: 'Delete an image', operationId: 'deleteImage' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  delete(@CurrentUser() user: AuthUser, @Param('id', ParseIdPipe) id: string): Promise<void> {
    return this.gallery.delete(user, id);
  }
}

async function send(reply: FastifyReply, response: ContentResponse): Promise<void> {
  await reply.status(response.status).headers(response.headers).send(response.body);
}
