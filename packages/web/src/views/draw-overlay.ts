import type { Point } from '@facecraft/core';
import type { PortraitOutcome } from '../engine-types.js';
import { formatPercent } from '../format.js';
import { CHIN, eyeCentres, photoToOutput, windowCorners } from '../overlay-geometry.js';

const ACCENT = '#4c6ef5';
const GUIDE = '#f59f00';
const OTHER = 'rgba(255,255,255,0.85)';

function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  ctx?.clearRect(0, 0, width, height);
  return ctx;
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number, size: number, color: string) {
  ctx.font = `600 ${size}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
  const w = ctx.measureText(text).width;
  const pad = size * 0.35;
  ctx.fillStyle = 'rgba(20, 24, 33, 0.72)';
  ctx.beginPath();
  ctx.roundRect(x - pad, y - size - pad * 0.6, w + 2 * pad, size + pad * 1.6, pad);
  ctx.fill();
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

function dots(ctx: CanvasRenderingContext2D, points: readonly Point[], radius: number, color: string) {
  ctx.fillStyle = color;
  for (const p of points) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, radius, 0, Math.PI * 2);
    ctx.fill();
  }
}

function line(ctx: CanvasRenderingContext2D, a: Point, b: Point) {
  ctx.beginPath();
  ctx.moveTo(a.x, a.y);
  ctx.lineTo(b.x, b.y);
  ctx.stroke();
}

/** On the photo: every face found (the subject highlighted), its landmarks, eye line and crop window. */
export function drawPhotoOverlay(canvas: HTMLCanvasElement, outcome: PortraitOutcome, scale: number, width: number, height: number) {
  const ctx = prepare(canvas, width, height);
  if (!ctx) return;
  const unit = Math.max(1.5, Math.min(width, height) / 260);
  const s = (p: Point): Point => ({ x: p.x * scale, y: p.y * scale });

  outcome.faces.forEach((face, i) => {
    const subject = i === outcome.subjectIndex;
    ctx.strokeStyle = subject ? ACCENT : OTHER;
    ctx.lineWidth = unit * (subject ? 1.6 : 1);
    ctx.setLineDash(subject ? [] : [unit * 4, unit * 3]);
    ctx.strokeRect(face.box.x * scale, face.box.y * scale, face.box.width * scale, face.box.height * scale);
    ctx.setLineDash([]);
    label(ctx, `${subject ? 'subject' : `face ${i + 1}`} · ${Math.round(face.score * 100)}%`, face.box.x * scale, face.box.y * scale - unit * 3, unit * 7, subject ? '#dbe4ff' : '#fff');
  });

  if (outcome.window) {
    const corners = windowCorners(outcome.window).map(s);
    ctx.strokeStyle = GUIDE;
    ctx.lineWidth = unit;
    ctx.setLineDash([unit * 5, unit * 4]);
    ctx.beginPath();
    corners.forEach((p, i) => (i ? ctx.lineTo(p.x, p.y) : ctx.moveTo(p.x, p.y)));
    ctx.closePath();
    ctx.stroke();
    ctx.setLineDash([]);
  }

  const eyes = eyeCentres(outcome.landmarks);
  if (eyes) {
    const [a, b] = eyes.map(s);
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    ctx.strokeStyle = GUIDE;
    ctx.lineWidth = unit * 1.2;
    line(ctx, { x: a.x - dx * 0.6, y: a.y - dy * 0.6 }, { x: b.x + dx * 0.6, y: b.y + dy * 0.6 });
    dots(ctx, outcome.landmarks.map(s), unit * 0.9, 'rgba(255,255,255,0.9)');
    dots(ctx, [a, b], unit * 2, GUIDE);
  }
}

/** On the portrait: eye line, vertical centre, crown and chin lines, with the measured ratios. */
export function drawResultOverlay(canvas: HTMLCanvasElement, outcome: PortraitOutcome) {
  const { width, height, metrics } = outcome;
  const ctx = prepare(canvas, width, height);
  if (!ctx) return;
  const unit = Math.max(1.5, Math.min(width, height) / 260);
  const text = unit * 6.5;

  ctx.strokeStyle = 'rgba(255,255,255,0.7)';
  ctx.lineWidth = unit * 0.8;
  ctx.setLineDash([unit * 4, unit * 4]);
  line(ctx, { x: width / 2, y: 0 }, { x: width / 2, y: height });
  ctx.setLineDash([]);

  const toOutput = outcome.window ? photoToOutput(outcome.window, width, height) : undefined;
  const mapped = toOutput ? outcome.landmarks.map(toOutput) : [];
  if (mapped.length) dots(ctx, mapped, unit * 0.9, 'rgba(255,255,255,0.85)');

  if (metrics.eyeLineFromTopRatio !== undefined) {
    const y = metrics.eyeLineFromTopRatio * height;
    ctx.strokeStyle = GUIDE;
    ctx.lineWidth = unit * 1.2;
    line(ctx, { x: 0, y }, { x: width, y });
    label(ctx, `eyes ${formatPercent(metrics.eyeLineFromTopRatio)} from top`, unit * 4, y - unit * 3, text, '#ffe8cc');
  }
  const chin = mapped[CHIN];
  if (metrics.headHeightRatio !== undefined && chin) {
    const crownY = chin.y - metrics.headHeightRatio * height;
    ctx.strokeStyle = ACCENT;
    ctx.lineWidth = unit * 1.2;
    line(ctx, { x: width * 0.2, y: chin.y }, { x: width * 0.8, y: chin.y });
    line(ctx, { x: width * 0.2, y: crownY }, { x: width * 0.8, y: crownY });
    ctx.setLineDash([unit * 2, unit * 2]);
    line(ctx, { x: width * 0.78, y: crownY }, { x: width * 0.78, y: chin.y });
    ctx.setLineDash([]);
    label(ctx, `head ${formatPercent(metrics.headHeightRatio)}`, width * 0.8 - unit * 2, (crownY + chin.y) / 2 + text / 2, text, '#dbe4ff');
  }
}
