/// <reference types="vite/client" />

/** Path of onnxruntime-web's runtime files under the base URL (vite.config.ts). */
declare const __ORT_RUNTIME_DIR__: string;
