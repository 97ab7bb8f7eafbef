package io.handoff.ai;

import java.util.List;
import java.util.Map;

/**
 * Built-in example phrases for the intents most businesses route, in English and Hinglish, that a bot may add to its
 * own: a new bot then works from three examples of its own per intent. An AI Bot step opts in with
 * {@code phraseBank: true} (intents named like the bank's) or per intent with {@code phraseBank: "billing"}.
 */
final class PhraseBank {

	static final Map<String, List<String>> PHRASES = Map.of(
			"sales", List.of("how much is it", "what does it cost", "send me the price list", "I am interested in buying",
					"is there an offer", "kya rate hai", "kitne ka milega", "mujhe khareedna hai", "discount milega kya",
					"I'd like to order one", "which plan should I take", "quote bhejo", "can I get a better price",
					"plans aur pricing batao", "is it available to buy now"),
			"support", List.of("it does not work", "I have a problem with the app", "error aa raha hai",
					"kaam nahi kar raha", "can't sign in", "forgot my password", "how do I use this feature",
					"the page won't load", "it keeps crashing", "setup me problem hai", "my account is locked",
					"not able to connect", "technical problem", "kaise chalaye", "something is broken in the settings"),
			"billing", List.of("I want a refund", "money was deducted", "invoice chahiye", "payment failed",
					"charged wrongly", "paise wapas chahiye", "bill galat hai", "cancel my plan and refund",
					"how do I pay", "receipt please", "payment pending dikha raha hai", "amount kat gaya", "change my card",
					"my subscription renewed", "GST bill"),
			"human", List.of("talk to a person", "I need an agent", "call me please", "kisi insaan se baat karao",
					"not a bot", "connect me to support staff", "manager please", "agent chahiye", "phone pe baat karni hai",
					"real human", "customer care se baat karao", "can someone call me", "executive se baat karao",
					"I would like to speak with somebody", "human please"),
			"order_status", List.of("where is my parcel", "order kahan hai", "kab tak delivery hogi", "tracking details",
					"has it shipped", "my order is late", "not delivered yet", "order status batao",
					"when will it arrive", "courier update", "shipment status", "parcel nahi aaya", "dispatch hua kya",
					"delivery date", "order number status"),
			"complaint", List.of("very disappointed", "the item is damaged", "wrong product received", "bad quality",
					"I want to complain about", "rude staff", "product kharab hai", "toota hua mila", "service bekar hai",
					"poor experience", "this is not acceptable", "shikayat karni hai", "defective piece",
					"items missing from the box", "worst experience"));

	private PhraseBank() {
	}
}
