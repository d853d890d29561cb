const MB = 1024 * 1024;

export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${(bytes / MB).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms)} ms`;
}

export function formatPercent(ratio: number, digits = 1): string {
  const text = (ratio * 100).toFixed(digits);
  return `${Number(text) === 0 ? (0).toFixed(digits) : text} %`; // never "-0.0 %"
}

export function formatDegrees(degrees: number): string {
  return `${degrees >= 0 ? '' : '−'}${Math.abs(degrees).toFixed(1)}°`;
}

/** `holiday.jpeg` → `holiday-portrait` */
export function portraitBaseName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${stem || 'photo'}-portrait`;
}
