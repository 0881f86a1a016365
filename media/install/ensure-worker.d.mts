// Types for ensure-worker.mjs (plain JS so it runs before any TypeScript tooling is trusted).
export declare const RECIPE_REVISION: number;
export declare const BUILD_PACKAGES: string[];
export interface EnsureOptions {
  log?: (line: string) => void;
}
export interface EnsureWorkerResult {
  source: 'present' | 'cache' | 'built' | 'env';
  binary: string;
  key?: string;
  ms: number;
}
export declare function cacheBaseDir(): string;
export declare function workerCacheKey(mediasoupVersion: string): string;
export declare function ensureMediasoupWorker(options?: EnsureOptions & { projectDir?: string; jobs?: number }): Promise<EnsureWorkerResult>;
export declare function ensureFfmpeg(options?: EnsureOptions): Promise<string>;
export declare function ensureDebianPackages(packages: string[], options?: EnsureOptions): Promise<void>;
export declare function missingDebianPackages(packages: string[]): string[];
