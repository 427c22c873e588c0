// Service discovery on curator-x-discovery's layout and JSON.
export { ServiceDiscovery } from './service-discovery';
export { ServiceProvider, type ServiceProviderOptions } from './service-provider';
export type { ServiceInstance, ServiceRegistration, RegisteredService, ServiceType } from './service-instance';
export type { ProviderStrategyName } from './strategies';
export type { DownInstancePolicy } from './down-instances';
export { parseUriSpec, serviceUri, type UriSpec, type UriSpecPart } from './uri-spec';
