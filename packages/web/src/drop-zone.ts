import { ACCEPT_ATTRIBUTE, acceptedFormatsText, isAcceptedFile } from './accepted-formats.js';
import { byId } from './dom.js';

/**
 * The file picker and drag-and-drop (onto the drop zone or anywhere on the page). The formats it
 * names, lets the picker offer and takes all come from accepted-formats.ts; another file goes to
 * `onRefused` instead of `onFile`.
 */
export function bindDropZone(onFile: (file: File) => void, onRefused: (file: File) => void) {
  const zone = byId('dropzone', HTMLLabelElement);
  const input = byId('file-input', HTMLInputElement);
  const name = byId('file-name', HTMLSpanElement);
  input.accept = ACCEPT_ATTRIBUTE;
  byId('accepted-formats', HTMLSpanElement).textContent = acceptedFormatsText(', ');
  let depth = 0;

  const take = (file: File) => (isAcceptedFile(file) ? onFile(file) : onRefused(file));

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) take(file);
    // Choosing the same file again must fire `change` again.
    input.value = '';
  });
  document.addEventListener('dragenter', (e) => {
    if (!e.dataTransfer?.types.includes('Files')) return;
    depth++;
    zone.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) zone.classList.remove('dragging');
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dragging');
    const file = e.dataTransfer?.files[0];
    if (file) take(file);
  });
  return {
    showName(text: string) {
      name.textContent = text;
      zone.classList.toggle('has-file', text !== '');
    },
  };
}
