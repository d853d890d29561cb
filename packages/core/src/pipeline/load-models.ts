import type { InferenceBackend, InferenceSession } from '../backends/inference-backend.js';
import { chooseVariant } from '../backends/variant-preference.js';
import { ModelLoadError } from '../errors.js';
import type { ModelEntry, WeightType } from '../models/model-manifest.js';
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
  /** The model of a stage (detection: by input size); where the manifest holds variants of it, the backend's preferred one. */
  const pick = (stage: ModelEntry['stage'], predicate: (m: ModelEntry) => boolean = () => true, override?: WeightType) => {
    const candidates = manifest.models.filter((m) => m.stage === stage && predicate(m));
    try {
      return chooseVariant(candidates, backend.variantPreference, override);
    } catch (error) {
      throw new ModelLoadError(`${(error as Error).message} in ${source.description}`, { stage });
    }
  };
  const entries = {
    shortRangeDetector: pick('detection', (m) => m.inputSize <= 128),
    fullRangeDetector: pick('detection', (m) => m.inputSize > 128),
    landmarks: pick('landmarks'),
    segmentation: pick('segmentation', undefined, options.segmentationVariant),
  };
  for (const [role, entry] of Object.entries(entries)) {
    if (!entry) throw new ModelLoadError(`The model manifest in ${source.description} has no ${role} model`);
  }
  const restorationEntry = optionalRestoration ? pick('restoration') : undefined;
  // Optional so that a models folder from before the person stage still loads.
  const personEntry = pick('person');

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
      shortRangeDetector: await load(entries.shortRangeDetector as ModelEntry),
      fullRangeDetector: await load(entries.fullRangeDetector as ModelEntry),
      landmarks: await load(entries.landmarks as ModelEntry),
      segmentation: await load(entries.segmentation as ModelEntry),
      ...(personEntry ? { person: await load(personEntry) } : {}),
    };
    return restorationEntry ? { ...models, restoration: await load(restorationEntry) } : models;
  } catch (error) {
    await Promise.allSettled(loaded.map((m) => m.session.release()));
    throw error;
  }
}
