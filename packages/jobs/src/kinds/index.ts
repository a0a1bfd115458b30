/** Every sync kind, registered by importing its module. Adding a kind adds one line here. */
import "./llmCosts.ts";
import "./stripeSubscriptions.ts";
