import type { MonitorEnv } from './env.js';
import { processPlan } from './plan.js';

/**
 * The local Prometheus configuration for what `npm start` runs: one target per process, on
 * the ports the launcher gives them, labelled with the service name as the chart's
 * ServiceMonitor does, and the chart's own rule groups. JSON is valid YAML, so this object
 * is written as prometheus.yml.
 */
export function prometheusConfig(repoRoot: string, env: MonitorEnv, rulesFile: string) {
  return {
    global: {
      scrape_interval: `${env.MONITOR_SCRAPE_INTERVAL_SECONDS}s`,
      scrape_timeout: `${Math.min(env.MONITOR_SCRAPE_INTERVAL_SECONDS, 10)}s`,
      evaluation_interval: '15s',
    },
    rule_files: [rulesFile],
    scrape_configs: [
      {
        job_name: 'railgraph',
        metrics_path: '/metrics',
        // Each process already labels its series service="<name>"; keep it.
        honor_labels: true,
        static_configs: processPlan(repoRoot, env).map((process) => ({
          targets: [`127.0.0.1:${process.port}`],
          labels: { service: process.name },
        })),
      },
    ],
  };
}

/** Command-line arguments of Prometheus with its data kept under `<dataDir>/prometheus`. */
export function prometheusArgs(configFile: string, storageDir: string, env: MonitorEnv): string[] {
  return [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${storageDir}`,
    '--storage.tsdb.retention.time=7d',
    `--web.listen-address=127.0.0.1:${env.PROMETHEUS_PORT}`,
  ];
}
