import { FacecraftError } from '@facecraft/core';

export interface PhotoError {
  readonly code: string;
  readonly message: string;
}

/** File-system errors a user can cause, in words instead of errno codes (no raw EISDIR). */
const FILE_ERRORS: Readonly<Record<string, PhotoError>> = {
  ENOENT: { code: 'not_found', message: 'no such file' },
  EISDIR: { code: 'is_a_folder', message: 'is a folder, not an image file (give the folder itself to process the images in it)' },
  EACCES: { code: 'permission_denied', message: 'permission denied' },
  EPERM: { code: 'permission_denied', message: 'permission denied' },
  ENOSPC: { code: 'disk_full', message: 'the disk is full' },
};

/** Why one photo failed: the pipeline's typed errors keep their stable code; the rest get one. */
export function describeFailure(error: unknown): PhotoError {
  if (error instanceof FacecraftError) return { code: error.code, message: error.message.split('\n')[0] };
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (errno && FILE_ERRORS[errno]) return FILE_ERRORS[errno];
  return { code: 'internal_error', message: ((error as Error | undefined)?.message ?? String(error)).split('\n')[0] };
}
