package org.paqet4j.reassembly;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShardRouterTest {

    @Test
    void bothDirectionsLandOnTheSameShardAndAllShardsAreUsed() throws UnknownHostException {
        Random random = new Random(7);
        for (int shards : new int[] {1, 2, 3, 8}) {
            ShardRouter router = new ShardRouter(shards);
            int[] used = new int[shards];
            for (int i = 0; i < 20_000; i++) {
                byte[] a = new byte[i % 2 == 0 ? 4 : 16];
                byte[] b = new byte[a.length];
                random.nextBytes(a);
                random.nextBytes(b);
                Endpoint x = new Endpoint(InetAddress.getByAddress(a), random.nextInt(65_536));
                // the same address on both ends happens (loopback): the ports then decide
                Endpoint y = new Endpoint(InetAddress.getByAddress(i % 10 == 0 ? a : b), random.nextInt(65_536));
                int shard = router.shardOf(x, y);
                assertThat(router.shardOf(y, x)).isEqualTo(shard);
                assertThat(shard).isBetween(0, shards - 1);
                used[shard]++;
            }
            for (int n : used) {
                assertThat(n).isGreaterThan(20_000 / shards / 2);
            }
        }
    }
}
