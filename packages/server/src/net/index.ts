export {
  createSocketService,
  type ServedSession,
  type ServicePort,
  type SocketService,
  type SocketServiceOptions,
} from './socket-service.js';
