package dev.accord.client;

import static dev.accord.client.AccordClient.MAX_CLAIM;

import dev.accord.api.v1.AcquireRequest;
import dev.accord.api.v1.AcquireResponse;
import dev.accord.api.v1.ClaimRequest;
import dev.accord.api.v1.ClaimResponse;
import dev.accord.api.v1.Handle;
import io.grpc.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acquires resources for one client, by name ({@link AccordClient#acquire}) or many at once ({@link
 * AccordClient#claim}): names the done-cache knows are answered DONE without a call, DONE answers
 * go into the cache, and grants become open, renewing leases. A server without Claim is asked one
 * name at a time.
 */
final class Acquirer {
  /** Logged under the class workers use, where they look for the client's messages. */
  private static final Logger log = LoggerFactory.getLogger(AccordClient.class);

  private final Calls calls;
  private final OpenLeases leases;

  /** The namespace's done-cache, or null: only the client's own namespace has one. */
  private final DoneCache cache;

  private final String namespace;
  private final Duration ttl;
  private final Map<String, String> defaultMetadata;

  /** False once the server answered Claim with UNIMPLEMENTED. */
  private volatile boolean claimSupported = true;

  Acquirer(
      Calls calls,
      OpenLeases leases,
      DoneCache cache,
      String namespace,
      Duration ttl,
      Map<String, String> defaultMetadata) {
    this.calls = calls;
    this.leases = leases;
    this.cache = cache;
    this.namespace = namespace;
    this.ttl = ttl;
    this.defaultMetadata = Map.copyOf(defaultMetadata);
  }

  String namespace() {
    return namespace;
  }

  Duration ttl() {
    return ttl;
  }

  /** Whether the namespace's done-cache knows {@code name} is done (never, without a cache). */
  boolean isKnownDone(String name) {
    return cache != null && cache.contains(name);
  }

  private void learnedDone(String name) {
    if (cache != null) {
      cache.add(name);
    }
  }

  /** See {@link AccordClient#acquire(String, Map)}. */
  AcquireResult acquire(String name, Map<String, String> metadata) {
    calls.requireOpen();
    if (isKnownDone(name)) {
      return AcquireResult.done(name);
    }
    Map<String, String> merged = new HashMap<>(defaultMetadata);
    merged.putAll(metadata);
    AcquireRequest request =
        AcquireRequest.newBuilder()
            .setOwner(leases.owner())
            .setNamespace(namespace)
            .setName(name)
            .setTtl((int) ttl.toSeconds())
            .putAllMetadata(merged)
            .build();
    long sentAt = System.nanoTime();
    AcquireResponse response = calls.call("acquire " + name, stub -> stub.acquire(request));
    switch (response.getStatus()) {
      case OK -> {
        return AcquireResult.acquired(leases.open(response.getHandle(), sentAt, ttl, cache));
      }
      case HELD -> {
        return AcquireResult.held(name, Instant.ofEpochMilli(response.getHandle().getExpTms()));
      }
      case DONE -> {
        learnedDone(name);
        return AcquireResult.done(name);
      }
      default ->
          throw new AccordException(
              "acquire "
                  + name
                  + ": the server answered an unknown status "
                  + response.getStatusValue(),
              Status.Code.UNKNOWN,
              null);
    }
  }

  /** See {@link AccordClient#claim(List, int)}. */
  ClaimResult claim(List<String> names, int max) {
    calls.requireOpen();
    if (names.size() > MAX_CLAIM) {
      throw new IllegalArgumentException(
          "names: at most " + MAX_CLAIM + " per claim, got " + names.size());
    }
    if (max < 1 || max > MAX_CLAIM) {
      throw new IllegalArgumentException("max: must be from 1 to " + MAX_CLAIM + ", got " + max);
    }
    List<String> done = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      (isKnownDone(name) ? done : candidates).add(name);
    }
    if (candidates.isEmpty()) {
      return new ClaimResult(List.of(), done, List.of(), List.of());
    }
    if (claimSupported) {
      try {
        return claimFromServer(candidates, max, done);
      } catch (AccordException e) {
        if (e.code() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        claimSupported = false;
        log.info(
            "The Accord server has no Claim (an older or the Go implementation): acquiring one by one");
      }
    }
    return claimOneByOne(candidates, max, done);
  }

  /** One Claim call for {@code candidates}; {@code done} holds the names already known done. */
  private ClaimResult claimFromServer(List<String> candidates, int max, List<String> done) {
    ClaimRequest request =
        ClaimRequest.newBuilder()
            .setOwner(leases.owner())
            .setNamespace(namespace)
            .addAllNames(candidates)
            .setMax(max)
            .setTtl((int) ttl.toSeconds())
            .putAllMetadata(defaultMetadata)
            .build();
    long sentAt = System.nanoTime();
    ClaimResponse response =
        calls.call("claim of " + candidates.size() + " names", stub -> stub.claim(request));
    List<Lease> granted = new ArrayList<>(response.getGrantedCount());
    Set<String> answered = new HashSet<>(response.getDoneList());
    answered.addAll(response.getHeldList());
    for (Handle grant : response.getGrantedList()) {
      granted.add(leases.open(grant, sentAt, ttl, cache));
      answered.add(grant.getName());
    }
    response.getDoneList().forEach(this::learnedDone);
    done.addAll(response.getDoneList());
    List<String> untried = candidates.stream().filter(name -> !answered.contains(name)).toList();
    return new ClaimResult(granted, done, response.getHeldList(), untried);
  }

  /** The same answer from one Acquire per name; {@code done} holds the names already known done. */
  private ClaimResult claimOneByOne(List<String> candidates, int max, List<String> done) {
    List<Lease> granted = new ArrayList<>();
    List<String> held = new ArrayList<>();
    List<String> untried = new ArrayList<>();
    for (String name : candidates) {
      if (granted.size() == max) {
        untried.add(name);
        continue;
      }
      AcquireResult result = acquire(name, Map.of());
      switch (result.status()) {
        case ACQUIRED -> granted.add(result.lease());
        case DONE -> done.add(name);
        case HELD -> held.add(name);
      }
    }
    return new ClaimResult(granted, done, held, untried);
  }
}
