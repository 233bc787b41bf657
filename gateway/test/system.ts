// The system tests start the system with the launcher's own helper (also used by `npm run load`).
export * from '@railgraph/launcher/system';
