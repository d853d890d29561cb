/**
 * What a caller should know about a portrait that was still made: each warning declared once,
 * with the sentence that documents it (the OpenAPI schema and the README read it from here).
 */
export const PORTRAIT_WARNINGS = Object.freeze({
  frame_exceeds_photo: 'the photo ends inside the canvas and its edge cuts the subject (share = the cut\'s length as a share of the canvas width, margin_used = the margin framing could give)',
  low_resolution: `the subject is enlarged more than ${'{limit}'}× from the photo (enlargement = canvas pixels per photo pixel): the portrait will look soft; use a larger photo or a smaller canvas`,
} as const);

export type PortraitWarningCode = keyof typeof PORTRAIT_WARNINGS;

/** Enlargement (canvas pixels per photo pixel) above which a portrait carries `low_resolution`. */
export const MAX_ENLARGEMENT = 2.5;

export type PortraitWarning =
  | {
      readonly code: 'frame_exceeds_photo';
      readonly message: string;
      /** Length of the photo's edge that cuts through the subject, as a share of the canvas width. */
      readonly share: number;
      readonly marginUsed: number;
    }
  | {
      readonly code: 'low_resolution';
      readonly message: string;
      /** Canvas pixels per photo pixel. */
      readonly enlargement: number;
    };

/** The documentation line of every warning, for the OpenAPI schema and the README. */
export function describePortraitWarnings(): string {
  return Object.entries(PORTRAIT_WARNINGS)
    .map(([code, text]) => `${code}: ${text.replace('{limit}', String(MAX_ENLARGEMENT))}`)
    .join('; ');
}

/** The `low_resolution` warning when the window is enlarged more than MAX_ENLARGEMENT onto the canvas, else undefined. */
export function lowResolutionWarning(windowWidth: number, canvasWidth: number): PortraitWarning | undefined {
  const enlargement = canvasWidth / Math.max(1, windowWidth);
  if (enlargement <= MAX_ENLARGEMENT) return undefined;
  const rounded = Math.round(enlargement * 10) / 10;
  return {
    code: 'low_resolution',
    message: `The subject is small in the photo: the portrait enlarges it ${rounded}× (${Math.round(windowWidth)} photo pixels across a ${canvasWidth} px canvas) and will look soft`,
    enlargement: rounded,
  };
}
