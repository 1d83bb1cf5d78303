export * from './builtin'
export * from './driver'
export * from './scenario'
export * from './workload'
