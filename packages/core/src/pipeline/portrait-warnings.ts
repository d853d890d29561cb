/**
 * What a caller should know about a portrait that was still made: each warning declared once,
 * with the sentence that documents it (the OpenAPI schema and the README read it from here).
 */
export const PORTRAIT_WARNINGS = Object.freeze({
  frame_exceeds_photo: 'the photo ends inside the canvas and its edge cuts the subject (share = the cut\'s length as a share of the canvas width, margin_used = the margin framing could give)',
  low_resolution: `the subject is enlarged more than ${'{limit}'}× from the photo (enlargement = canvas pixels per photo pixel): the portrait will look soft; use a larger photo or a smaller canvas`,
  touches_other_person: `another person touches the subject and the cut-out parts them along a line of more than ${'{split}'} of the canvas width that the models can only estimate (share = that line's length as a share of the canvas width): check the hair and shoulders where they meet`,
} as const);

export type PortraitWarningCode = keyof typeof PORTRAIT_WARNINGS;

/** Enlargement (canvas pixels per photo pixel) above which a portrait carries `low_resolution`. */
export const MAX_ENLARGEMENT = 2.5;

/**
 * Length of the line parting the subject from someone touching them, as a share of the canvas
 * width, above which a portrait carries `touches_other_person`. Below it the line is a few
 * pixels where a shoulder meets a neighbour's; above it, hair or a shoulder is cut by an estimate.
 */
export const MAX_NEIGHBOUR_CUT = 0.1;

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
    }
  | {
      readonly code: 'touches_other_person';
      readonly message: string;
      /** Length of the line parting the subject from someone else, as a share of the canvas width. */
      readonly share: number;
    };

/** The documentation line of every warning, for the OpenAPI schema and the README. */
export function describePortraitWarnings(): string {
  return Object.entries(PORTRAIT_WARNINGS)
    .map(([code, text]) => `${code}: ${text.replace('{limit}', String(MAX_ENLARGEMENT)).replace('{split}', `${Math.round(MAX_NEIGHBOUR_CUT * 100)} %`)}`)
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

/** The `touches_other_person` warning when the line parting the subject from someone else (a share of the canvas width) is longer than MAX_NEIGHBOUR_CUT, else undefined. */
export function touchesOtherPersonWarning(share: number): PortraitWarning | undefined {
  if (!(share > MAX_NEIGHBOUR_CUT)) return undefined;
  const rounded = Math.round(share * 1000) / 1000;
  return {
    code: 'touches_other_person',
    message: `Another person touches the subject: the cut-out parts them along a line ${Math.round(share * 100)} % as long as the canvas is wide, where the hair or shoulders may be cut or keep some of the other person`,
    share: rounded,
  };
}
