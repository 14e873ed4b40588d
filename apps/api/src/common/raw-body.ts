import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { jsonMemberText } from '#libs/common';

interface RawBodyRequest {
  rawBody?: string;
}

/** Fastify's own JSON parser (prototype-poisoning checks included: Fastify's defaults), keeping the
 * text it parsed on the request, so a handler can store what the client sent byte for byte. */
export function keepRawJsonBodies(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    (req as RawBodyRequest).rawBody = body as string;
    void parse(req, body as string, done);
  });
}

/** The exact text of one top-level member of the JSON body, as the client sent it (undefined if absent). */
export const RawJsonMember = createParamDecorator((key: string, ctx: ExecutionContext): string | undefined => {
  const raw = ctx.switchToHttp().getRequest<RawBodyRequest>().rawBody;
  return raw === undefined ? undefined : jsonMemberText(raw, key);
});
