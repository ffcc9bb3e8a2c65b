import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'image-forge:public';

/**
 * Opts a route out of the global auth guard. A bearer token, when sent, is still verified, so
 * public routes can show the caller's own private objects too.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
