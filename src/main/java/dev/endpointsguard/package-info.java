/** endpoints-guard: admission webhooks and an endpoints reconciler for Kubernetes Services. */
package dev.endpointsguard;
