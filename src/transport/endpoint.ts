/** A server address from the connect string. */
export interface Endpoint {
  host: string;
  port: number;
}
