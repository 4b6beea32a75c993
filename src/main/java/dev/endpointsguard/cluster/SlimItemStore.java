package dev.endpointsguard.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.UnaryOperator;

/**
 * An informer store that keeps slimmed copies: indexes are computed from the full object, lookups
 * return the slim one.
 */
final class SlimItemStore<T extends HasMetadata> extends BasicItemStore<T> {

  private final UnaryOperator<T> slimmer;

  SlimItemStore(UnaryOperator<T> slimmer) {
    super(Cache::metaNamespaceKeyFunc);
    this.slimmer = slimmer;
  }

  @Override
  public T put(String key, T object) {
    return super.put(key, slimmer.apply(object));
  }
}
