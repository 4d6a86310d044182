using Conformance.Cli;
using Model.Workload;

namespace Conformance.Tests.Cli;

public class DefaultCampaignTests
{
    [Fact]
    public void The_explore_part_searches_the_model_and_every_invariant_holds()
    {
        Assert.True(WorkloadValidator.IsWellFormed(WorkloadParser.Parse(DefaultCampaign.ExploreWorkload)));
        var e = DefaultCampaign.Explore(TimeSpan.FromSeconds(3));
        Assert.True(e.Distinct > 1_000, $"{e.Distinct} states");
        Assert.True(e.Depth > 10);
        Assert.Empty(e.Violations);
    }
}
