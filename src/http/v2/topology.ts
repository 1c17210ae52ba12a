/** GET /v2/topology: one process is the whole "cluster": one broker, one partition, its leader. */
import { Router } from 'express';
import { requireRole } from '../auth.js';

/** The Camunda REST API level this surface follows; clients read it to pick their features. */
export const GATEWAY_VERSION = '8.8.0';

export function topologyRouter(): Router {
  const router = Router();
  router.get('/topology', requireRole(), (req, res) => {
    res.json({
      brokers: [
        {
          nodeId: 0,
          host: req.hostname || 'localhost',
          port: req.socket.localPort ?? 0,
          partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }],
          version: GATEWAY_VERSION,
        },
      ],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: GATEWAY_VERSION,
      lastCompletedChangeId: '-1',
    });
  });
  return router;
}
