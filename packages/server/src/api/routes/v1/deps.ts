import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Directory } from '../../../directory/index.js';
import type { MailService } from '../../../mail/index.js';
import type { Sso } from '../../../sso/index.js';

/** The services the v1 routes call; routes hold no logic of their own beyond access checks. */
export interface V1Deps {
  directory: Directory;
  mail: MailService;
  /** Sessions and login links; their routes exist only with it. */
  sso?: Sso;
  /** `http.publicUrl`; empty: taken from each request. */
  publicUrl: string;
}

/** A v1 resource plugin: gets the services, registers its routes. */
export type V1Plugin = FastifyPluginAsyncTypebox<V1Deps>;
