import { Type } from '@fastify/type-provider-typebox';
import type { RawData } from 'ws';
import { clientMessages, type ClientMessage, type ClientMessageType } from '../protocol/room-messages.ts';
import { compileMessageValidator } from '../validation.ts';

const RequestId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

const validators = new Map(
  (Object.keys(clientMessages) as ClientMessageType[]).map((type) => [
    type,
    compileMessageValidator(
      Type.Object({ type: Type.Literal(type), requestId: Type.Optional(RequestId), ...clientMessages[type] }, { additionalProperties: false }),
    ),
  ]),
);

export type Parsed = { ok: true; message: ClientMessage } | { ok: false; requestId: string | null; message: string };

/** Reads one frame: a JSON object whose `type` names a message and whose fields match its schema. */
export function parseClientMessage(data: RawData, isBinary: boolean): Parsed {
  if (isBinary) return { ok: false, requestId: null, message: 'Frames must be JSON text' };
  let value: unknown;
  try {
    value = JSON.parse(data.toString());
  } catch {
    return { ok: false, requestId: null, message: 'Frames must be JSON text' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, requestId: null, message: 'A message is a JSON object' };
  const record = value as Record<string, unknown>;
  const requestId = typeof record.requestId === 'string' && record.requestId.length <= 64 ? record.requestId : null;
  const validate = typeof record.type === 'string' ? validators.get(record.type as ClientMessageType) : undefined;
  if (!validate) return { ok: false, requestId, message: `Unknown message type ${JSON.stringify(String(record.type)).slice(0, 80)}` };
  const type = record.type as string;
  if (!validate(record)) {
    const [error] = validate.errors ?? [];
    const where = error?.instancePath || '/';
    const detail = error?.keyword === 'additionalProperties' ? `has an unknown field "${String(error.params.additionalProperty)}"` : error?.message;
    return { ok: false, requestId, message: `${type}: ${where} ${detail ?? 'is invalid'}` };
  }
  return { ok: true, message: record as ClientMessage };
}
