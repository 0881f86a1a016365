import { Type } from '@fastify/type-provider-typebox';

export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});

export const LocalizedText = Type.Object({
  fi: Type.String(),
  sv: Type.String(),
  en: Type.String(),
});

export const Uuid = Type.String({ format: 'uuid' });
export const IdParams = Type.Object({ id: Uuid });
export const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,80}$' }) });
/** A moderator's reason, shown to the public next to what it concerns. */
export const Reason = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
export const ReasonBody = Type.Object({ reason: Reason });
export const Person = Type.Object({ id: Type.String(), displayName: Type.String() });
