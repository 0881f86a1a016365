import { Type } from '@fastify/type-provider-typebox';

export const ErrorReply = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
});

export const LocalizedText = Type.Object({
  fi: Type.String(),
  sv: Type.String(),
  en: Type.String(),
});
