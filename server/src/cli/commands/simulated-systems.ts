/** The source systems `ioc simulate` can serve (a module of its own: `--help` must not load the simulators). */
export const SIMULATED_SYSTEMS = ['dossier', 'document', 'project', 'kpi'] as const;
