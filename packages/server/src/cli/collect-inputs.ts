import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

/** File name endings of the formats the pipeline decodes; folders and globs contribute only these. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.jpe', '.jfif', '.png', '.webp', '.bmp', '.dib', '.gif', '.tif', '.tiff', '.heic', '.heif', '.avif']);

export const isImageFileName = (name: string) => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());

/** Why an argument gave no photo, in the shape of a failed photo's error. */
export interface InputProblem {
  readonly code: 'not_found' | 'no_images' | 'unreadable';
  readonly message: string;
}

/** One photo to process, or an argument that gave none (counted as a failure, with its reason). */
export interface InputItem {
  readonly file: string;
  readonly problem?: InputProblem;
}

export interface CollectedInputs {
  readonly items: readonly InputItem[];
  /** Files inside given folders (or matched by globs) left out because they are not images. */
  readonly skipped: readonly string[];
}

/** Every file under `dir`, recursively, relative to it, in a stable order (hidden files and folders left out). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .filter((relative) => !relative.split(path.sep).some((part) => part.startsWith('.')))
    .sort();
}

/**
 * Turns the command line's inputs into the photos to process: a file is taken as given (a wrong
 * one fails with its own message), a folder gives the image files under it, recursively, and a
 * glob pattern (quoted, so the shell left it alone) the image files it matches.
 */
export async function collectInputs(args: readonly string[], cwd = process.cwd()): Promise<CollectedInputs> {
  const items: InputItem[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const addImages = (files: readonly string[]) => {
    for (const file of files) {
      if (!isImageFileName(file)) skipped.push(file);
      else if (!seen.has(path.resolve(cwd, file))) {
        seen.add(path.resolve(cwd, file));
        items.push({ file });
      }
    }
  };
  for (const arg of args) {
    const info = await stat(path.resolve(cwd, arg)).catch((error: NodeJS.ErrnoException) => error);
    if (!(info instanceof Error)) {
      if (info.isDirectory()) {
        const before = items.length;
        // Shown as the user would write them: the folder as given, then the path inside it.
        addImages((await filesUnder(path.resolve(cwd, arg))).map((relative) => path.join(arg, relative)));
        if (items.length === before) items.push({ file: arg, problem: { code: 'no_images', message: 'the folder holds no image files' } });
      } else if (!seen.has(path.resolve(cwd, arg))) {
        seen.add(path.resolve(cwd, arg));
        items.push({ file: arg });
      }
    } else if (isDynamicPattern(arg)) {
      const matches = await glob(arg, { cwd, onlyFiles: true, dot: false, expandDirectories: false, absolute: path.isAbsolute(arg) });
      const before = items.length;
      addImages(matches.sort());
      if (items.length === before) items.push({ file: arg, problem: { code: 'no_images', message: 'no image files match this pattern' } });
    } else {
      items.push({ file: arg, problem: info.code === 'ENOENT' ? { code: 'not_found', message: 'no such file or folder' } : { code: 'unreadable', message: `cannot be read (${info.code ?? info.message})` } });
    }
  }
  return { items, skipped };
}
