package dev.endpointsguard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.endpointsguard.testing.SilentApiServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stopping before the informers have listed (SIGTERM while the API server does not answer) is a
 * normal shutdown, not an error to page anyone for.
 */
class InformerShutdownTest {

  private final SilentApiServer apiServer = new SilentApiServer();
  private final Logger log = Logger.getLogger(InformerClusterView.class.getName());
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  InformerShutdownTest() throws IOException {
    log.addHandler(capture);
  }

  @AfterEach
  void stop() throws IOException {
    log.removeHandler(capture);
    apiServer.close();
  }

  @Test
  void closingBeforeTheInformersListedLogsNoError() throws Exception {
    InformerClusterView view = new InformerClusterView(apiServer.client());
    view.start();
    await("the informers' lists are in flight").until(apiServer::asked);

    view.close(); // stopping an informer that has not listed fails its start at once

    assertThat(records).noneMatch(r -> r.getLevel().intValue() >= Level.SEVERE.intValue());
  }
}
