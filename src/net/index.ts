export { listenUdp } from './udp-server.js';
export type { UdpServerOptions, UdpListener } from './udp-server.js';
export { listenTcp, bindError } from './tcp-server.js';
export type { TcpServerOptions, TcpEndpoint, HandoffHandler, HandoffReply } from './tcp-server.js';
export { ResponseRateLimiter, DEFAULT_RRL, RrlAction, parseCidr, inCidr, parseAddress } from './rrl.js';
export type { RrlOptions, Cidr } from './rrl.js';
