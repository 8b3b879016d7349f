export * from './test-databases';
export * from './record-factories';
