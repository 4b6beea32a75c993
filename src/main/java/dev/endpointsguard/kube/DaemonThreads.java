package dev.endpointsguard.kube;

import java.util.concurrent.ThreadFactory;

/** Threads that never keep the JVM alive: background work ends with the process. */
public final class DaemonThreads {

  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
