import type { InferenceBackend, InferenceSession } from '../backends/inference-backend.js';
import { chooseVariant } from '../backends/variant-preference.js';
import { ModelLoadError } from '../errors.js';
import type { ModelEntry, ModelManifest, WeightType } from '../models/model-manifest.js';
import { readVerifiedModel, type ModelSource } from '../models/model-source.js';

export interface LoadedModel {
  readonly entry: ModelEntry;
  readonly session: InferenceSession;
}

export interface PortraitModels {
  readonly shortRangeDetector: LoadedModel;
  readonly fullRangeDetector: LoadedModel;
  readonly landmarks: LoadedModel;
  readonly segmentation: LoadedModel;
  /** The person prior (MediaPipe Selfie Segmentation by default); present when the manifest lists a `person` model. */
  readonly person?: LoadedModel;
  /** Present only when a restoration model is installed and listed in the manifest. */
  readonly restoration?: LoadedModel;
}

export interface ModelLoadProgress {
  readonly model: string;
  readonly phase: 'download' | 'verify' | 'compile' | 'ready';
  readonly loaded: number;
  readonly total: number;
}

export interface LoadModelsOptions {
  /** Load this variant of the segmentation model instead of the one the backend prefers. */
  readonly segmentationVariant?: WeightType;
}

/** The manifest entry of each role, before anything is read. */
export interface PortraitModelEntries {
  readonly shortRangeDetector: ModelEntry;
  readonly fullRangeDetector: ModelEntry;
  readonly landmarks: ModelEntry;
  readonly segmentation: ModelEntry;
  readonly person?: ModelEntry;
  readonly restoration?: ModelEntry;
}

/**
 * Which manifest entries the pipeline loads for a backend that prefers `preference`: one per
 * role (detection by input size); where the manifest holds variants of a model, the preferred
 * one. The playground uses it too, to size its download bar before the models arrive.
 */
export function selectPortraitModels(
  manifest: ModelManifest,
  preference: readonly WeightType[] | undefined,
  options: LoadModelsOptions & { readonly optionalRestoration?: boolean; readonly where?: string } = {},
): PortraitModelEntries {
  const where = options.where ?? 'the model manifest';
  const pick = (stage: ModelEntry['stage'], predicate: (m: ModelEntry) => boolean = () => true, override?: WeightType) => {
    const candidates = manifest.models.filter((m) => m.stage === stage && predicate(m));
    try {
      return chooseVariant(candidates, preference, override);
    } catch (error) {
      throw new ModelLoadError(`${(error as Error).message} in ${where}`, { stage });
    }
  };
  const entries = {
    shortRangeDetector: pick('detection', (m) => m.inputSize <= 128),
    fullRangeDetector: pick('detection', (m) => m.inputSize > 128),
    landmarks: pick('landmarks'),
    segmentation: pick('segmentation', undefined, options.segmentationVariant),
  };
  for (const [role, entry] of Object.entries(entries)) {
    if (!entry) throw new ModelLoadError(`The model manifest in ${where} has no ${role} model`);
  }
  // Optional so that a models folder from before the person stage still loads.
  const person = pick('person');
  const restoration = options.optionalRestoration === false ? undefined : pick('restoration');
  return { ...(entries as Omit<PortraitModelEntries, 'person' | 'restoration'>), ...(person ? { person } : {}), ...(restoration ? { restoration } : {}) };
}

/**
 * Reads, verifies and compiles every model the pipeline needs. Any missing or corrupt model
 * fails the whole load with a ModelLoadError that names it; sessions already created are released.
 */
export async function loadPortraitModels(
  source: ModelSource,
  backend: InferenceBackend,
  onProgress?: (progress: ModelLoadProgress) => void,
  optionalRestoration = true,
  options: LoadModelsOptions = {},
): Promise<PortraitModels> {
  const manifest = await source.manifest();
  const entries = selectPortraitModels(manifest, backend.variantPreference, { ...options, optionalRestoration, where: source.description });
  const restorationEntry = entries.restoration;
  const personEntry = entries.person;

  const loaded: LoadedModel[] = [];
  const load = async (entry: ModelEntry): Promise<LoadedModel> => {
    const bytes = await readVerifiedModel(source, entry, (done, total) => onProgress?.({ model: entry.id, phase: 'download', loaded: done, total }));
    onProgress?.({ model: entry.id, phase: 'compile', loaded: entry.bytes, total: entry.bytes });
    let session: InferenceSession;
    try {
      session = await backend.load(entry, bytes);
    } catch (error) {
      throw new ModelLoadError(`${backend.name} on ${backend.device} could not load model ${entry.id}: ${(error as Error).message}`, { model: entry.id }, { cause: error });
    }
    onProgress?.({ model: entry.id, phase: 'ready', loaded: entry.bytes, total: entry.bytes });
    const model = { entry, session };
    loaded.push(model);
    return model;
  };
  try {
    const models = {
      shortRangeDetector: await load(entries.shortRangeDetector),
      fullRangeDetector: await load(entries.fullRangeDetector),
      landmarks: await load(entries.landmarks),
      segmentation: await load(entries.segmentation),
      ...(personEntry ? { person: await load(personEntry) } : {}),
    };
    return restorationEntry ? { ...models, restoration: await load(restorationEntry) } : models;
  } catch (error) {
    await Promise.allSettled(loaded.map((m) => m.session.release()));
    throw error;
  }
}
