package dev.concierge.context;

/** A recalled memory and its fused score (higher is better; comparable within one answer only). */
public record Hit(Memory memory, double score) {}
