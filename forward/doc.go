// Package forward delivers findings to the places security teams read them:
// stdout, files, webhooks, syslog, Splunk HEC, Elasticsearch, OCSF
// consumers and Kafka.
//
// A Forwarder fans every finding out to each configured output whose
// filters match. Local outputs (stdout, file) write directly. Each network
// output has its own durable queue (package queue) under Config.QueueDir and
// its own delivery goroutine, so a slow or absent receiver never stalls the
// caller or the other outputs.
//
// Delivery is at least once: a finding leaves an output's queue only after
// the receiver acknowledged it (an HTTP 2xx, a Kafka produce ack, a Splunk
// indexer ack when enabled, a completed syslog write). Transient failures are
// retried with exponential backoff and jitter, honouring Retry-After.
// A permanent rejection (such as HTTP 400) moves the finding to the output's
// dead-letter file with the reason. Receivers should de-duplicate on the
// finding id, which every format carries.
//
// When a queue is full the output's policy applies: "block" makes Send wait
// (for at most the output's block_timeout, then the finding is dropped),
// "drop_oldest" discards the oldest queued findings. Every drop is counted
// in the splicewatch_forward_dropped_total metric and logged.
package forward
