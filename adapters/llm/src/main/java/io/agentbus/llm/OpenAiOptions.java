package io.agentbus.llm;

import java.net.URI;
import java.util.Objects;

/** Where and how an OpenAI-compatible endpoint is called. */
public class OpenAiOptions {

  private String baseUrl = "https://api.openai.com/v1";
  private String apiKey;
  private long timeoutMillis = 60_000;
  private int maxRetries = 2;
  private long retryBaseDelayMillis = 500;
  private int maxResponseBytes = 4 * 1024 * 1024;

  /** @return the base URL; {@code /chat/completions} is appended */
  public String getBaseUrl() {
    return baseUrl;
  }

  /**
   * @param baseUrl an absolute http(s) URL, e.g. {@code http://127.0.0.1:8080/v1}
   * @return this
   */
  public OpenAiOptions setBaseUrl(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    URI uri = URI.create(baseUrl);
    if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
        || uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, was '" + baseUrl + "'");
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return this;
  }

  /** @return the bearer token, or null for endpoints without one */
  public String getApiKey() {
    return apiKey;
  }

  /** @param apiKey the bearer token (never logged) @return this */
  public OpenAiOptions setApiKey(String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /** @return the time one HTTP attempt may take */
  public long getTimeoutMillis() {
    return timeoutMillis;
  }

  /** @param timeoutMillis the time one HTTP attempt may take (positive) @return this */
  public OpenAiOptions setTimeoutMillis(long timeoutMillis) {
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive");
    }
    this.timeoutMillis = timeoutMillis;
    return this;
  }

  /** @return how often a retryable failure (429, 5xx, timeout) is retried */
  public int getMaxRetries() {
    return maxRetries;
  }

  /** @param maxRetries retries after the first attempt (0 or more) @return this */
  public OpenAiOptions setMaxRetries(int maxRetries) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be 0 or more");
    }
    this.maxRetries = maxRetries;
    return this;
  }

  /** @return the first retry's delay; it doubles per retry unless the server sends Retry-After */
  public long getRetryBaseDelayMillis() {
    return retryBaseDelayMillis;
  }

  /** @param millis the first retry's delay (positive) @return this */
  public OpenAiOptions setRetryBaseDelayMillis(long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException("retryBaseDelayMillis must be positive");
    }
    this.retryBaseDelayMillis = millis;
    return this;
  }

  /** @return the largest response body accepted */
  public int getMaxResponseBytes() {
    return maxResponseBytes;
  }

  /** @param bytes the largest response body accepted (positive) @return this */
  public OpenAiOptions setMaxResponseBytes(int bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxResponseBytes must be positive");
    }
    this.maxResponseBytes = bytes;
    return this;
  }

  private int maxConnections = 100;

  /** @return how many requests may be open to the endpoint at once (default 100; more wait for a connection) */
  public int getMaxConnections() {
    return maxConnections;
  }

  /**
   * A model call lasts seconds, so the HTTP client's usual pool (5 connections) would make the
   * sixth concurrent run wait for the first: this sets the pool.
   *
   * @param maxConnections 1 or more
   * @return this
   */
  public OpenAiOptions setMaxConnections(int maxConnections) {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be 1 or more");
    }
    this.maxConnections = maxConnections;
    return this;
  }
}
