import type { InferenceBackend, InferenceSession } from '../backends/inference-backend.js';
import { ModelLoadError } from '../errors.js';
import type { ModelEntry } from '../models/model-manifest.js';
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

/** Default model of each stage: the first manifest entry of that stage (detection: by input size). */
function pick(models: readonly ModelEntry[], stage: ModelEntry['stage'], predicate: (m: ModelEntry) => boolean = () => true) {
  return models.find((m) => m.stage === stage && predicate(m));
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
): Promise<PortraitModels> {
  const manifest = await source.manifest();
  const entries = {
    shortRangeDetector: pick(manifest.models, 'detection', (m) => m.inputSize <= 128),
    fullRangeDetector: pick(manifest.models, 'detection', (m) => m.inputSize > 128),
    landmarks: pick(manifest.models, 'landmarks'),
    segmentation: pick(manifest.models, 'segmentation'),
  };
  for (const [role, entry] of Object.entries(entries)) {
    if (!entry) throw new ModelLoadError(`The model manifest in ${source.description} has no ${role} model`);
  }
  const restorationEntry = optionalRestoration ? pick(manifest.models, 'restoration') : undefined;
  // Optional so that a models folder from before the person stage still loads.
  const personEntry = pick(manifest.models, 'person');

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
