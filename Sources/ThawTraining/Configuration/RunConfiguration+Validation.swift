extension RunConfiguration {
    /// Checks every value's range and the values that depend on each other.
    ///
    /// Rules: `name` is non-empty without `/`; `batchSize` ≥ 1; `microShardSize` ≥ 1 and divides
    /// `batchSize`; `model.classes` ≥ 2; `model.dropout` in [0, 1); `model.batchNormMomentum` in [0, 1];
    /// `model.hidden` widths ≥ 1; `data.imageSize` in 32...512; `data.validationCount` ≥ 0; limits ≥ 1;
    /// `data.testPath` only for `image-folder`; phase names non-empty and unique; `epochs` ≥ 0 with at
    /// least one phase above 0; `trainable` top count ≥ 1 and prefixes non-empty; `learningRate` > 0;
    /// `momentum` in [0, 1); `decay` ≥ 0.
    ///
    /// - Parameter source: The file named in error messages.
    /// - Throws: ``RunConfigurationError/invalidValue(file:keyPath:problem:fix:)`` for the first rule broken,
    ///   saying how to fix it.
    public func validate(source: String) throws(RunConfigurationError) {
        let rules = RuleChecker(source: source)

        try rules.require(
            !self.name.isEmpty && !self.name.contains("/"),
            at: "name",
            "must be non-empty and without \"/\"",
            fix: "It names the run and its default output folder runs/<name>; use letters, digits and dashes."
        )

        try rules.require(
            self.batchSize >= 1,
            at: "batchSize",
            "must be at least 1, got \(self.batchSize)",
            fix: "Set it to the number of samples per optimizer step over all workers, such as 32."
        )

        try rules.require(
            self.microShardSize >= 1,
            at: "microShardSize",
            "must be at least 1, got \(self.microShardSize)",
            fix: "Use a divisor of batchSize such as 8, or leave it out for the default 8."
        )

        try rules.require(
            self.batchSize % self.microShardSize == 0,
            at: "microShardSize",
            "must divide batchSize \(self.batchSize), got \(self.microShardSize)",
            fix: "Use one of " + Self.divisors(of: self.batchSize) + ", or change batchSize."
        )

        try self.model.validate(rules)

        try self.data.validate(rules)

        for (index, phase) in self.phases.enumerated() {
            try phase.validate(rules, keyPath: "phases[\(index)]")

            try rules.require(
                self.phases.firstIndex { $0.name == phase.name } == index,
                at: "phases[\(index)].name",
                "repeats the phase name \"\(phase.name)\"",
                fix: "Give each phase its own name; logs and plots tell the phases apart by name."
            )
        }

        try rules.require(
            self.phases.contains { $0.epochs > 0 },
            at: "phases",
            "must include a phase with at least 1 epoch",
            fix: "Give at least one phase \"epochs\": 1 or more."
        )
    }

    /// The divisors of `number` written as a list such as "1, 2, 4, 8, 16 or 32".
    private static func divisors(of number: Int) -> String {
        let divisors = (1...max(number, 1)).filter { number % $0 == 0 }.map(String.init)
        guard divisors.count > 1 else { return divisors.joined() }
        return divisors.dropLast().joined(separator: ", ") + " or " + divisors[divisors.count - 1]
    }
}

extension ModelConfiguration {
    func validate(_ rules: RuleChecker) throws(RunConfigurationError) {
        try rules.require(
            self.classes >= 2,
            at: "model.classes",
            "must be at least 2, got \(self.classes)",
            fix: "Set it to the number of classes in the data set, such as 10 for Fashion-MNIST."
        )

        try rules.require(
            self.dropout >= 0 && self.dropout < 1,
            at: "model.dropout",
            "must be at least 0 and below 1, got \(self.dropout)",
            fix: "Use 0 for no dropout or a fraction such as 0.2."
        )

        try rules.require(
            self.batchNormMomentum >= 0 && self.batchNormMomentum <= 1,
            at: "model.batchNormMomentum",
            "must be from 0 to 1, got \(self.batchNormMomentum)",
            fix: "Keras uses 0.99; leave it out for that default."
        )

        for (index, width) in self.hidden.enumerated() {
            try rules.require(
                width >= 1,
                at: "model.hidden[\(index)]",
                "must be at least 1, got \(width)",
                fix: "List the width of each hidden layer, such as [128], or [] for none."
            )
        }
    }
}

extension DataConfiguration {
    func validate(_ rules: RuleChecker) throws(RunConfigurationError) {
        try rules.require(
            (32...512).contains(self.imageSize),
            at: "data.imageSize",
            "must be from 32 to 512, got \(self.imageSize)",
            fix: "Images are resized to imageSize x imageSize pixels; MobileNetV2 works well from 96."
        )

        try rules.require(
            self.validationCount >= 0,
            at: "data.validationCount",
            "must be at least 0, got \(self.validationCount)",
            fix: "Use 0 for no validation set, or leave it out for the default 5000."
        )

        if let trainLimit = self.trainLimit {
            try rules.require(
                trainLimit >= 1,
                at: "data.trainLimit",
                "must be at least 1, got \(trainLimit)",
                fix: "Leave it out (or null) to use every training sample."
            )
        }

        if let testLimit = self.testLimit {
            try rules.require(
                testLimit >= 1,
                at: "data.testLimit",
                "must be at least 1, got \(testLimit)",
                fix: "Leave it out (or null) to use every test sample."
            )
        }

        try rules.require(
            self.testPath == nil || self.dataset == .imageFolder,
            at: "data.testPath",
            "is only used with the \"image-folder\" dataset",
            fix: "Remove it: the fashion-mnist folder holds its own test files."
        )
    }
}

extension PhaseConfiguration {
    func validate(_ rules: RuleChecker, keyPath: String) throws(RunConfigurationError) {
        try rules.require(
            !self.name.isEmpty,
            at: "\(keyPath).name",
            "must not be empty",
            fix: "Name the phase, such as \"head\" or \"fine-tune\"."
        )

        try rules.require(
            self.epochs >= 0,
            at: "\(keyPath).epochs",
            "must be at least 0, got \(self.epochs)",
            fix: "Give the number of passes over the training set, or 0 to skip the phase."
        )

        switch self.trainable {
        case .top(let count):
            try rules.require(
                count >= 1,
                at: "\(keyPath).trainable.top",
                "must be at least 1, got \(count)",
                fix: "Use \"head\" to train only the head, or {\"top\": N} to unfreeze N base layers too."
            )

        case .prefixes(let prefixes):
            try rules.require(
                !prefixes.isEmpty && !prefixes.contains(""),
                at: "\(keyPath).trainable.prefixes",
                "must list at least one non-empty prefix",
                fix: "Name parameter prefixes such as \"features.17\"."
            )

        case .head, .all:
            break
        }

        try self.optimizer.validate(rules, keyPath: "\(keyPath).optimizer")
    }
}

extension OptimizerConfiguration {
    func validate(_ rules: RuleChecker, keyPath: String) throws(RunConfigurationError) {
        try rules.require(
            self.learningRate > 0,
            at: "\(keyPath).learningRate",
            "must be greater than 0, got \(self.learningRate)",
            fix: "Typical values are 0.001 to 0.2."
        )

        try rules.require(
            self.momentum >= 0 && self.momentum < 1,
            at: "\(keyPath).momentum",
            "must be at least 0 and below 1, got \(self.momentum)",
            fix: "Use 0 for plain SGD or 0.9 for the usual momentum."
        )

        try rules.require(
            self.decay >= 0,
            at: "\(keyPath).decay",
            "must be at least 0, got \(self.decay)",
            fix: "Use 0 for a constant learning rate, or a small value such as 0.001."
        )
    }
}
