// An audience socket for the load generator: a real WebSocket (RFC 6455 handshake, frames) on a
// plain TCP socket, with just enough of the protocol to watch. Thousands of `ws` clients in one
// process cost more CPU per received message than the servers under test spend sending it; this
// reads into one shared buffer and hands over each text frame's bytes, so the load generator does
// not become what is measured.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const shared = Buffer.alloc(256 * 1024);
const OP_TEXT = 1;
const OP_BINARY = 2;
const OP_CLOSE = 8;
const OP_PING = 9;

export interface LeanSocketOptions {
  port: number;
  host: string;
  path: string;
  /** Each text or binary frame's payload; valid only during the call. */
  onFrame: (payload: Buffer) => void;
  onClose: (code: number | null) => void;
}

/** Opens a socket; resolves once the server has switched protocols. */
export function openLeanSocket(options: LeanSocketOptions): Promise<LeanSocket> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    let lean: LeanSocket | undefined;
    let handshake = '';
    const socket: Socket = connect({
      port: options.port,
      host: options.host,
      noDelay: true,
      onread: {
        buffer: shared,
        // The buffer handed back is `shared` itself (a Uint8Array in the types).
        callback: (nread) => {
          if (lean) {
            lean.read(shared, nread);
            return true;
          }
          handshake += shared.toString('latin1', 0, nread);
          const end = handshake.indexOf('\r\n\r\n');
          if (end < 0) return true;
          if (!handshake.startsWith('HTTP/1.1 101')) {
            socket.destroy();
            reject(new Error(`handshake refused: ${handshake.split('\r\n')[0]}`));
            return false;
          }
          lean = new LeanSocket(socket, options);
          const rest = Buffer.from(handshake.slice(end + 4), 'latin1');
          if (rest.length > 0) lean.read(rest, rest.length);
          resolve(lean);
          return true;
        },
      },
    });
    socket.once('connect', () => {
      socket.write(
        `GET ${options.path} HTTP/1.1\r\nHost: ${options.host}:${options.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('error', (error) => {
      if (!lean) reject(error);
    });
    socket.on('close', () => {
      if (!lean) reject(new Error('closed during the handshake'));
      else lean.closed(null);
    });
  });
}

export class LeanSocket {
  // Bytes of a frame that straddles two reads.
  private carry: Buffer | null = null;
  private closeCode: number | null | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: LeanSocketOptions,
  ) {}

  read(chunk: Buffer, length: number): void {
    let data = chunk;
    let end = length;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk.subarray(0, length)]);
      end = data.length;
      this.carry = null;
    }
    let at = 0;
    while (at < end) {
      if (end - at < 2) break;
      const opcode = data[at]! & 0x0f;
      let size = data[at + 1]! & 0x7f;
      let header = 2;
      if (size === 126) {
        if (end - at < 4) break;
        size = data.readUInt16BE(at + 2);
        header = 4;
      } else if (size === 127) {
        if (end - at < 10) break;
        size = Number(data.readBigUInt64BE(at + 2));
        header = 10;
      }
      if (end - at < header + size) break;
      const payload = data.subarray(at + header, at + header + size);
      if (opcode === OP_TEXT || opcode === OP_BINARY) this.options.onFrame(payload);
      else if (opcode === OP_PING) this.control(0xa, payload);
      else if (opcode === OP_CLOSE) this.closed(size >= 2 ? payload.readUInt16BE(0) : 1005);
      at += header + size;
    }
    // Copied: the shared read buffer is overwritten by the next read of any socket.
    if (at < end) this.carry = Buffer.from(data.subarray(at, end));
  }

  /** A control frame to the server (masked, as a client must; with a zero mask the bytes are as they are). */
  private control(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed) return;
    const frame = Buffer.alloc(6 + payload.length);
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | payload.length;
    payload.copy(frame, 6);
    this.socket.write(frame);
  }

  closed(code: number | null): void {
    if (this.closeCode !== undefined) return;
    this.closeCode = code;
    this.options.onClose(code);
    this.socket.destroy();
  }

  destroy(): void {
    this.closeCode ??= null;
    this.socket.destroy();
  }
}
