/**
 * onnxruntime-node 1.30's Linux library carries Microsoft's telemetry client: it writes a
 * device id and an event store under ~/.cache/Microsoft/DeveloperTools and would send events
 * out. A self-hosted service has no business phoning home, so it is switched off before the
 * library loads (this module is imported ahead of onnxruntime-node); a value the user set wins.
 */
process.env.ORT_DISABLE_TELEMETRY ??= '1';
export {};
