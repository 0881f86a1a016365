/** The jury's sign-offs on its recommendations, as the server holds them. */
import { api } from '../../api.ts';

export const STANCES = ['agree', 'can_live_with', 'object'] as const;
export type Stance = (typeof STANCES)[number];
export type Tally = Record<Stance, number>;

export interface RecommendationSignOffs {
  number: number;
  id: string;
  title: string;
  tally: Tally;
  signOffs: { juror: { id: string; displayName: string }; stance: Stance; comment: string | null; updatedAt: string }[];
  mine: { stance: Stance; comment: string | null } | null;
}

export interface SignOffsAnswer {
  jurors: number;
  recommendations: RecommendationSignOffs[];
}

/** Others' sign-offs are not pushed: the page asks again this often, and after each own change. */
const REFRESH_MS = 15_000;

export class SignOffs {
  data = $state<SignOffsAnswer | null>(null);
  error = $state<unknown>(null);
  readonly #base: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(slug: string) {
    this.#base = `/api/spaces/${encodeURIComponent(slug)}/recommendations`;
  }

  of(id: string): RecommendationSignOffs | undefined {
    return this.data?.recommendations.find((r) => r.id === id);
  }

  async load(): Promise<void> {
    try {
      this.data = await api.get<SignOffsAnswer>(`${this.#base}/sign-offs`);
      this.error = null;
    } catch (error) {
      this.error = error;
    }
  }

  start(): () => void {
    void this.load();
    this.#timer = setInterval(() => void this.load(), REFRESH_MS);
    return () => clearInterval(this.#timer);
  }

  async put(id: string, stance: Stance, comment: string): Promise<void> {
    await api.put<void>(`${this.#base}/${encodeURIComponent(id)}/sign-off`, { stance, comment: comment.trim() || null });
    await this.load();
  }

  async withdraw(id: string): Promise<void> {
    await api.del(`${this.#base}/${encodeURIComponent(id)}/sign-off`);
    await this.load();
  }
}
