import { dilateBox } from '../../image/dilate.js';
import { grownBoxOf } from '../../image/grown-box.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../image/rgba-image.js';
import { colourFavoursSubject, VOTE_BACKDROP, VOTE_CANDIDATE, VOTE_SUBJECT } from './colour-vote.js';
import { heightAboveEyes, linearAt, type HeadFrame, type PixelLinear } from './head-frame.js';

/**
 * Distances of the fusion, in eye-to-chin lengths (about 0.4 of a head's height), measured
 * from the person model's 50 % contour. The person model is coarse (its 256² output covers
 * 1.6× the crop) and soft at its edge; ISNet is sharp but may drop a neck or keep a lamp.
 */
export const FUSION = Object.freeze({
  /** Deeper inside the person than this, the subject is solid whatever ISNet says. */
  solidDepth: 0.15,
  /** Farther outside the person than this, nothing is kept whatever ISNet says. */
  reach: 0.45,
  /**
   * When ISNet already holds this share of the strip under the chin, it has seen the body
   * and its outline is the better one: the person model may then only fill ISNet's own solid
   * region closed by `hug` (a thinned strap, a see-through patch) and, within `hug` of it,
   * where ISNet sees more than `trace` (see fillableNearSolid), not paint its coarse, blobby
   * outline over the background beside the shoulders.
   */
  bodyCoverage: 0.85,
  /** …and this share of the shoulders deep inside the person (see salientHoldsBody). */
  shoulderCoverage: 0.5,
  hug: 0.06,
  trace: 0.05,
  /** `reach` when ISNet holds the body: the person model's coarse contour then cuts no shoulder ISNet has. */
  reachWhenHeld: 1.2,
  /**
   * Above the chin there are no shoulders to keep: from the chin up to the eyes `reachWhenHeld`
   * gives way to `reach` (heights above the eyes; the chin lies at −1). A lamp, a cup or a boat
   * behind the head is not kept for the shoulders' sake, nor a neighbour's dark coat beside the
   * cheek (it came out as a dark blob beside a small face in a crowd). Applies where the
   * subject's head frame is given.
   */
  heldReachFade: Object.freeze({ from: -1, to: 0 }),
  /**
   * What ISNet holds beyond the person model's contour only for the wider reach's sake is kept
   * where its colours are not the backdrop's (see colourVoteBeyondPerson), or where subject and
   * backdrop share their colours this much or more (Bhattacharyya coefficient): a pale jumper
   * on a pale wall, the case the wider reach is for, must stay.
   */
  beyondPersonOverlap: 0.5,
  /**
   * …and only this far (in face scales) outside the person model's contour or farther: nearer,
   * the plain `reach` keeps the pixel nearly whole anyway, so voting on it changes nothing but
   * the vote's cost (a tight crop's whole shoulder line lies there).
   */
  beyondPersonFrom: 0.05,
});

export interface FusionInputs {
  /** ISNet's alpha on the crop (salient object: fine hair, sometimes only the head). */
  readonly salient: GrayImage;
  /** Signed distance to the person model's 50 % contour, in crop pixels: positive inside the person. */
  readonly personDepth: GrayImage;
  /** Where the face certainly is (0..1), always opaque. */
  readonly face: GrayImage;
  /** Where the subject's neck and shoulders can be (0..1): the only place the person model may make solid. */
  readonly body: GrayImage;
  /** The strip under the chin, the neck's width (0..1): where ISNet shows whether it saw the body. */
  readonly neck: GrayImage;
  /** The eye-to-chin distance in crop pixels. */
  readonly faceScale: number;
  /** The body band beyond the neck column, inside the photo (past its edge ISNet sees nothing): where salientHoldsBody looks for the shoulders; `body` where not given. */
  readonly shoulders?: GrayImage;
  /** The subject's head: where given, the wider reach when ISNet holds the body fades above the chin (FUSION.heldReachFade). */
  readonly head?: HeadFrame;
  /** The crop: where given, its colours decide what the person model may fill on a side ISNet lost (see colourVoteOnLostSide) and what ISNet keeps beyond the person (see colourVoteBeyondPerson). */
  readonly crop?: RgbaImage;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/**
 * Whether ISNet has seen the body, on each side of the body's axis (the line through the eyes'
 * middle along the head's up vector; without `head`, both sides counted together): its solid
 * region covers FUSION.bodyCoverage of the neck strip where the person model sees a person, and
 * FUSION.shoulderCoverage of that side's shoulders (`shoulders`, where they lie deep inside the
 * person). On a small, blurred face ISNet may keep the head and a column of neck and nothing of
 * the shoulders; on a dark backdrop it may keep one shoulder and lose the other under long dark
 * hair: its outline there is not the body's, and the person model fills that side.
 */
export function salientHoldsSides({ salient, personDepth, neck, body, faceScale, shoulders, head }: FusionInputs): BodySides {
  let inNeck = 0;
  let heldNeck = 0;
  const inShoulders = [0, 0];
  const heldShoulders = [0, 0];
  const deep = FUSION.solidDepth * faceScale;
  const where = shoulders ?? body;
  const side = sideOfAxis(head);
  const { width } = salient;
  for (let i = 0; i < salient.data.length; i++) {
    const d = personDepth.data[i];
    if (d <= 0) continue;
    const held = salient.data[i] > 0.5;
    if (neck.data[i] >= 0.5) {
      inNeck++;
      if (held) heldNeck++;
    } else if (where.data[i] >= 0.5 && d >= deep) {
      const s = side ? sideAt(side, i % width, Math.floor(i / width)) : 0;
      inShoulders[s]++;
      if (held) heldShoulders[s]++;
    }
  }
  const neckHeld = inNeck > 0 && heldNeck / inNeck >= FUSION.bodyCoverage;
  const sideHeld = (s: number) => neckHeld && (inShoulders[s] === 0 || heldShoulders[s] / inShoulders[s] >= FUSION.shoulderCoverage);
  return side ? [sideHeld(0), sideHeld(1)] : [sideHeld(0), sideHeld(0)];
}

/** Per side of the body's axis (0: the image's left of it, 1: its right), whether ISNet holds the body there. */
export type BodySides = readonly [boolean, boolean];

/** Whether ISNet holds the body on both sides (see salientHoldsSides). */
export function salientHoldsBody(inputs: FusionInputs): boolean {
  const [left, right] = salientHoldsSides(inputs);
  return left && right;
}

/** The body's axis as a PixelLinear positive on the image's right of it; undefined without a head frame. */
function sideOfAxis(head: HeadFrame | undefined): PixelLinear | undefined {
  if (!head) return undefined;
  const { eyes, up } = head;
  // Across the axis: the up vector turned a quarter clockwise on screen (up (0, −1) → (1, 0)),
  // at pixel middles: (x + 0.5 − eyes.x)·(−up.y) + (y + 0.5 − eyes.y)·up.x.
  return { at0: (0.5 - eyes.x) * -up.y + (0.5 - eyes.y) * up.x, perX: -up.y, perY: up.x };
}

/** Which side of the body's axis a pixel lies on (0: the image's left of it, 1: its right). */
const sideAt = (axis: PixelLinear, x: number, y: number): number => (linearAt(axis, x, y) > 0 ? 1 : 0);

/**
 * Where the person model may fill when ISNet holds the body: ISNet's solid region closed by
 * `radius` pixels (grown, then shrunk back), so the gaps and notches narrower than about twice
 * the radius (a thinned strap, a see-through patch) — and, within `radius` of it, wherever ISNet
 * itself sees a trace of something (above `FUSION.trace`: an arm it half lost). Not where ISNet
 * is sure of the background: grown there too, the fill laid the person model's blobby contour
 * as a band of backdrop along every shoulder. Worked out only where `within` (the body band) is
 * non-zero, the only place it is read; 0 elsewhere.
 */
function fillableNearSolid(salient: GrayImage, radius: number, within: GrayImage): Uint8Array {
  const { width, height } = salient;
  const out = new Uint8Array(width * height);
  // The closing at a pixel reads the matte up to twice the radius away: the band's box grown by
  // that much holds all it needs, and the result inside the band is the same as on the whole crop.
  const box = grownBoxOf(within.data, width, height, 2 * radius);
  if (!box) return out;
  const { x0, y0, w, h } = box;
  const solid = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0, i = (y0 + y) * width + x0; x < w; x++, i++) solid[y * w + x] = salient.data[i] > 0.5 ? 1 : 0;
  const grown = dilateBox(solid, w, h, radius);
  // Shrinking is growing the outside: what lies within `radius` of a pixel the grown region misses.
  const outside = new Uint8Array(grown.length);
  for (let k = 0; k < grown.length; k++) outside[k] = grown[k] ^ 1;
  const nearOutside = dilateBox(outside, w, h, radius);
  for (let y = 0; y < h; y++) {
    for (let x = 0, i = (y0 + y) * width + x0; x < w; x++, i++) {
      const k = y * w + x;
      out[i] = grown[k] && (!nearOutside[k] || salient.data[i] > FUSION.trace) ? 1 : 0;
    }
  }
  return out;
}

/**
 * On the side ISNet lost while it holds the other, the person model fills only where the
 * photo's colours side with the subject (see colourFavoursSubject): long dark hair over a
 * shoulder on a dark backdrop, which ISNet dropped, has the subject's colours; the forest floor
 * the person model took for a shoulder has the backdrop's.
 */
function colourVoteOnLostSide(crop: RgbaImage, inputs: FusionInputs, vote: VoteGeometry): Uint8Array {
  return colourFavoursSubject(crop, voteRoles(inputs, vote, onLostSide), inputs.faceScale);
}

/** What the candidate rules read besides the pixel: which sides ISNet holds, the body's axis, the wider reach's fade, beyondPersonFrom in crop pixels. */
interface VoteGeometry {
  readonly sides: BodySides;
  readonly side: PixelLinear | undefined;
  readonly fade: PixelLinear;
  readonly from: number;
}

/** A candidate rule (pixel x, y, index i, depth d, ISNet's alpha a). */
type CandidateRule = (inputs: FusionInputs, vote: VoteGeometry, x: number, y: number, i: number, d: number, a: number) => boolean;

/** colourVoteOnLostSide's candidates: what the person model would fill inside the body band on a side ISNet lost. */
const onLostSide: CandidateRule = ({ body }, { sides, side }, x, y, i, d, a) => d > 0 && a <= 0.5 && body.data[i] > 0 && side !== undefined && !sides[sideAt(side, x, y)];

/** colourVoteBeyondPerson's candidates (see there). */
const beyondPerson: CandidateRule = (_inputs, { sides, side, fade, from }, x, y, _i, d, a) => solidBeyondPerson(d, a, from) && sides[side ? sideAt(side, x, y) : 0] && fadeAt(fade, x, y) < 1;

/**
 * The colour vote's roles on the crop: the subject where ISNet is solid inside the person, the
 * backdrop where ISNet sees nothing outside it, and the candidates `isCandidate` picks (pixel x,
 * y, index i, depth d, ISNet's alpha a; never a pixel of those two roles).
 */
function voteRoles(inputs: FusionInputs, vote: VoteGeometry, isCandidate: CandidateRule): Uint8Array {
  const { salient, personDepth: depth } = inputs;
  const { width, height } = salient;
  const roles = new Uint8Array(width * height);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const d = depth.data[i];
      const a = salient.data[i];
      if (d > 0 && a > 0.9) roles[i] = VOTE_SUBJECT;
      else if (d < 0 && a < FUSION.trace) roles[i] = VOTE_BACKDROP;
      else if (isCandidate(inputs, vote, x, y, i, d, a)) roles[i] = VOTE_CANDIDATE;
    }
  }
  return roles;
}

/** The wider reach's fade before clamping: 0 where `reachWhenHeld` holds, 1 where the plain `reach` does (see FUSION.heldReachFade); 0 everywhere without a head frame. */
function heldFadeOf(head: HeadFrame | undefined): PixelLinear {
  if (!head) return { at0: 0, perX: 0, perY: 0 };
  const above = heightAboveEyes(head);
  const { from, to } = FUSION.heldReachFade;
  return { at0: (above.at0 - from) / (to - from), perX: above.perX / (to - from), perY: above.perY / (to - from) };
}

/** The wider reach's fade at a pixel (see heldFadeOf). */
const fadeAt = (fade: PixelLinear, x: number, y: number): number => clamp01(linearAt(fade, x, y));

/** Whether ISNet's alpha `a` at a pixel `d` from the person's contour (`from` = FUSION.beyondPersonFrom in crop pixels) makes it a candidate of colourVoteBeyondPerson (its side held, below the eyes aside). */
const solidBeyondPerson = (d: number, a: number, from: number) => d < -from && a > 0.5;

/**
 * Where ISNet holds the body, what it holds outside the person model's contour is kept out to
 * `reachWhenHeld` and in the body band (a pale jumper the person model lost); there the photo's
 * colours vote too (see colourFavoursSubject): a plastic cup, a leaf or a neighbour's coat
 * joined to a shoulder has the backdrop's colours. Candidates: ISNet's solid pixels at least
 * `from` (beyondPersonFrom in crop pixels) outside the person, below the eyes (above them the
 * plain reach decides anyway), on a side where ISNet holds the body. 1 where such a pixel's
 * colour sides with the subject or where the colours cannot tell the two apart
 * (FUSION.beyondPersonOverlap); 0 where it sides with the backdrop, and for every pixel that is
 * not a candidate.
 */
function colourVoteBeyondPerson(crop: RgbaImage, inputs: FusionInputs, vote: VoteGeometry): Uint8Array {
  return colourFavoursSubject(crop, voteRoles(inputs, vote, beyondPerson), inputs.faceScale, FUSION.beyondPersonOverlap);
}

/**
 * One alpha from the three signals:
 * - deep inside the person (beyond `solidDepth`) and in the body band under the face the alpha
 *   is 1, so a neck or a jumper that ISNet thinned or dropped is whole (only in the gaps of
 *   ISNet's own solid region on a side where ISNet holds the body, see `bodyCoverage`; on a
 *   side it lost while holding the other, where the photo's colours side with the subject);
 * - near the person's contour ISNet's alpha gives the edge (hair, collar), lifted towards solid
 *   as the depth grows;
 * - beyond `reach` outside the person everything is cleared (a lamp, a red bag, a poster face
 *   that ISNet found salient), except, on a side where ISNet holds the body, inside the body band: there
 *   ISNet's own shoulders stay where the person model lost them (a pale jumper on a pale wall),
 *   below the chin and, where the crop is given, where their colours are not the backdrop's;
 * - the face region is always opaque.
 */
export function fuseAlpha(inputs: FusionInputs): GrayImage {
  const { salient, personDepth: depth, face, body, faceScale } = inputs;
  const { width, height } = salient;
  const solid = FUSION.solidDepth * faceScale;
  const out = createGrayImage(width, height);
  const sides = salientHoldsSides(inputs);
  const holdsAny = sides[0] || sides[1];
  const side = sides[0] !== sides[1] ? sideOfAxis(inputs.head) : undefined;
  const near = holdsAny ? fillableNearSolid(salient, Math.max(1, Math.round(FUSION.hug * faceScale)), body) : undefined;
  const reach = FUSION.reach * faceScale;
  const heldReach = FUSION.reachWhenHeld * faceScale;
  const fade = heldFadeOf(inputs.head);
  const voteFrom = FUSION.beyondPersonFrom * faceScale;
  const vote: VoteGeometry = { sides, side, fade, from: voteFrom };
  const voted = side && inputs.crop ? colourVoteOnLostSide(inputs.crop, inputs, vote) : undefined;
  const keptBeyond = holdsAny && inputs.crop ? colourVoteBeyondPerson(inputs.crop, inputs, vote) : undefined;
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i++) {
      const d = depth.data[i];
      const holds = side ? sides[sideAt(side, x, y)] : sides[0];
      const fill = clamp01(d / solid) * body.data[i] * (holds && near ? near[i] : voted && salient.data[i] <= 0.5 ? voted[i] : 1);
      // Where ISNet holds the body, its shoulders are not the person model's to cut: a white
      // sweater on a white wall is ISNet's whole and the person model's only in part.
      let gate: number;
      // …unless it lies beyond the person in the backdrop's colours (see colourVoteBeyondPerson).
      if (holds) {
        const f = fadeAt(fade, x, y);
        const votedOut = keptBeyond !== undefined && solidBeyondPerson(d, salient.data[i], voteFrom) && f < 1 && keptBeyond[i] === 0;
        gate = votedOut ? clamp01(1 + d / reach) : Math.max(clamp01(1 + d / (heldReach + (reach - heldReach) * f)), body.data[i]);
      } else gate = clamp01(1 + d / reach);
      const fused = Math.max(fill, salient.data[i]) * gate;
      out.data[i] = Math.max(fused, face.data[i]);
    }
  }
  return out;
}
