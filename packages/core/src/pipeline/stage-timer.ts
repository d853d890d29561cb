/** Per-stage wall-clock milliseconds, in the order the stages ran. */
export type StageTimings = Record<string, number>;

export interface StageTimer {
  readonly timings: StageTimings;
  time<T>(stage: string, work: () => Promise<T> | T): Promise<T>;
}

export function createStageTimer(onStage?: (stage: string, phase: 'start' | 'end') => void): StageTimer {
  const timings: StageTimings = {};
  return {
    timings,
    async time(stage, work) {
      onStage?.(stage, 'start');
      const start = performance.now();
      try {
        return await work();
      } finally {
        timings[stage] = Math.round((performance.now() - start) * 10) / 10 + (timings[stage] ?? 0);
        onStage?.(stage, 'end');
      }
    },
  };
}
