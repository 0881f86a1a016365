import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { boundUdpPorts } from './udp-ports.ts';

const STDERR_KEPT = 2000;

/** ffprobe comes in the same Debian package as ffmpeg, so it sits beside it. */
export function ffprobeBeside(ffmpegPath: string): string {
  return ffmpegPath.includes('/') ? join(dirname(ffmpegPath), 'ffprobe') : 'ffprobe';
}

/** Runs ffmpeg or ffprobe to the end: its stdout, or an error carrying the end of its stderr. */
export function runTool(command: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEPT)));
    child.on('error', (error) => reject(new Error(`could not run ${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(stdout));
      else reject(new Error(`${command} ${signal ? `was killed by ${signal}` : `exited with ${code}`}: ${stderr.trim()}`));
    });
  });
}

export async function probeDurationSeconds(ffprobePath: string, file: string): Promise<number> {
  const output = await runTool(ffprobePath, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  const seconds = Number(output.toString('utf8').trim());
  if (!Number.isFinite(seconds)) throw new Error(`ffprobe found no duration in ${file}`);
  return seconds;
}

const fillers = new Map<string, Promise<Buffer>>();

/**
 * A dark 640x360 VP8 keyframe, repeated while nobody's video is on (made once per process). Every
 * copy is a keyframe, so a speaker's stream can take over at its own next keyframe.
 */
export function fillerKeyframe(ffmpegPath: string): Promise<Buffer> {
  let filler = fillers.get(ffmpegPath);
  if (!filler) {
    filler = runTool(ffmpegPath, [
      '-v', 'error', '-f', 'lavfi', '-i', 'color=c=0x1e1e1e:s=640x360:r=1',
      '-frames:v', '1', '-c:v', 'libvpx', '-b:v', '200k', '-f', 'ivf', 'pipe:1',
    ]).then(firstIvfFrame);
    fillers.set(ffmpegPath, filler);
    filler.catch(() => fillers.delete(ffmpegPath));
  }
  return filler;
}

// IVF: a header whose length is at byte 6, then per frame a 4-byte size, an 8-byte pts and the frame.
function firstIvfFrame(ivf: Buffer): Buffer {
  if (ivf.length < 32 || ivf.toString('latin1', 0, 4) !== 'DKIF') throw new Error('ffmpeg did not write an IVF file');
  const frameStart = ivf.readUInt16LE(6);
  const size = ivf.readUInt32LE(frameStart);
  const frame = ivf.subarray(frameStart + 12, frameStart + 12 + size);
  if (frame.length !== size || size === 0) throw new Error('the IVF file from ffmpeg has no whole frame');
  return frame;
}

/** A long-running ffmpeg whose end is awaited, never thrown. */
export class FfmpegProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  #stderr = '';
  #running = true;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => (this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_KEPT)));
    this.exited = new Promise((resolve) => {
      child.once('error', (error) => {
        this.#running = false;
        resolve({ code: null, signal: null, error });
      });
      child.once('exit', (code, signal) => {
        this.#running = false;
        resolve({ code, signal });
      });
    });
  }

  static spawn(command: string, args: string[]): FfmpegProcess {
    return new FfmpegProcess(spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] }));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.#running;
  }

  /** What ffmpeg said last, for error messages. */
  get stderrTail(): string {
    return this.#stderr.trim();
  }

  /**
   * Polls until ffmpeg has bound every port it listens on: RTP sent earlier would be lost. Rejects
   * if ffmpeg exits or is still not listening after the timeout.
   */
  async waitUntilListening(ports: number[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.#running) throw new Error(`ffmpeg exited before it listened: ${this.stderrTail}`);
      const bound = await boundUdpPorts();
      if (ports.every((port) => bound.has(port))) return;
      if (Date.now() > deadline) throw new Error(`ffmpeg did not listen on UDP ports ${ports.join(', ')} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Polls until ffmpeg has written the output's header: it has then read enough input to know its
   * streams and muxes from here on. A SIGINT before that would end it with nothing written.
   */
  async waitUntilWriting(file: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.#running) throw new Error(`ffmpeg exited before it wrote ${file}: ${this.stderrTail}`);
      if ((await stat(file).catch(() => null))?.size) return;
      if (Date.now() > deadline) throw new Error(`ffmpeg did not start writing ${file} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** SIGINT makes ffmpeg finish the file (it then exits with 255); SIGKILL if it hangs. */
  async interrupt(timeoutMs = 10_000): Promise<void> {
    if (!this.#running) return;
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
