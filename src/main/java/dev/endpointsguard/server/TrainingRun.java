package dev.endpointsguard.server;

import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Ends a class-archive training run once start-up is done.
 *
 * <p>{@code -Dquarkus.appcds.generate=true} (set by Quarkus' own AppCDS build and by
 * src/main/docker/train-class-archive.sh) asks for a start that stops again, so that a JVM running
 * with {@code -XX:ArchiveClassesAtExit} archives exactly what start-up loads. Quarkus stops by
 * itself only with its generated entry point; this one ({@code cli.Main}) would otherwise serve
 * until killed. Observing last, after the servers and the cluster view are up.
 */
@ApplicationScoped
public class TrainingRun {

  private static final Logger LOG = Logger.getLogger(TrainingRun.class);

  void exitOnceStarted(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
    if (ApplicationLifecycleManager.isAppCDSGeneration()) {
      LOG.info("Class-archive training run: started, exiting");
      Quarkus.asyncExit(0);
    }
  }
}
